"""The zip archive under a model file: written atomically, read within fixed bounds.

Nothing here knows what a model is: this layer guarantees that a save never
leaves a half-written file at the target, and that reading an archive never
inflates, allocates or trusts more than the archive's checked directory says.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
import stat
import zipfile

import numpy as np

MANIFEST = "manifest.json"
MANIFEST_DIGEST = "manifest.sha256"
#: Array members are named by the manifest's generated keys, nothing else.
ARRAY_MEMBER = re.compile(r"arrays/(a(?:0|[1-9][0-9]{0,5}))\.npy")

#: Reading limits. A model's arrays are about as large uncompressed as in the
#: file (skdeep stores them uncompressed; deflated floats shrink by ~10%), so
#: a member inflating far beyond its compressed size is a zip bomb.
DEFAULT_MAX_BYTES = 2**30  # every member together, uncompressed (load's max_bytes)
MAX_MEMBERS = 4096
MAX_MANIFEST_BYTES = 16 * 2**20
MAX_COMPRESSION_RATIO = 20
SMALL_MEMBER_BYTES = 2**20  # below this, any compression ratio is harmless
MAX_NPY_HEADER_BYTES = 4096
READ_CHUNK_BYTES = 2**20


class ModelFileError(ValueError):
    """The file is not a model file skdeep wrote: foreign, damaged, altered or too new.

    The message names what is wrong. Loading never executes code from the
    file, whatever it holds.
    """


# -- writing ---------------------------------------------------------------------


def write_atomically(path, write):
    """Call ``write(binary_file)`` on a temporary file beside ``path``, then move it into place.

    The temporary file is flushed and synced before ``os.replace``, so the
    target holds the old content or the complete new one, never a mix, even
    if the process is killed or several writers race. On any failure,
    KeyboardInterrupt included, the temporary file is removed and the
    target is left untouched.
    """
    target = os.path.realpath(os.fspath(path))  # through a symlink, to the file it names
    directory, name = os.path.split(target)
    temporary = None
    try:
        temporary, fd = _create_beside(directory, name)
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(OSError):  # keep the permissions of the file replaced
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temporary, target)
    except BaseException:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise
    _sync_directory(directory)


def _create_beside(directory, name):
    """A new, exclusive temporary file in ``directory`` (mode 0o666 less the umask, like ``open``)."""
    for _ in range(100):
        # A hidden name (its start is enough) that cannot exceed the file system's name length.
        temporary = os.path.join(directory, f".{name[:200]}.{secrets.token_hex(6)}.tmp")
        try:
            return temporary, os.open(
                temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
            )
        except FileExistsError:
            continue
    raise FileExistsError(f"Could not create a temporary file beside {os.path.join(directory, name)}.")


def _sync_directory(directory):
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class HashingWriter(io.RawIOBase):
    """A write-only stream that forwards to ``stream`` and keeps a SHA-256 of what passed."""

    def __init__(self, stream):
        self.stream = stream
        self.sha256 = hashlib.sha256()

    def writable(self):
        return True

    def write(self, data):
        self.sha256.update(data)
        self.stream.write(data)
        return len(data)


# -- reading ---------------------------------------------------------------------


def open_archive(file, max_bytes):
    """A ``zipfile.ZipFile`` over ``file`` (a seekable binary stream), members checked.

    Returns
    -------
    archive : zipfile.ZipFile
    members : dict of str to zipfile.ZipInfo
        Every member by name, each checked for a safe name, no encryption,
        a supported compression and sizes within the limits.
    """
    start = file.tell()
    head = file.read(4)
    if not isinstance(head, bytes):
        raise ModelFileError("The file object returns text: open the model file in binary mode ('rb').")
    if not head.startswith(b"PK"):
        kind = "a pickle" if head[:1] == b"\x80" else "not a zip archive"
        raise ModelFileError(f"This is not a skdeep model file ({kind}).")
    file.seek(start)
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile as error:
        raise ModelFileError(
            f"This is not a skdeep model file (a damaged or truncated zip archive: {error})."
        ) from None
    return archive, _checked_members(archive.infolist(), max_bytes)


def _checked_members(infos, max_bytes):
    if len(infos) > MAX_MEMBERS:
        raise ModelFileError(f"The archive has {len(infos)} entries; a skdeep model file has at most {MAX_MEMBERS}.")
    if not any(info.filename == MANIFEST for info in infos):
        raise ModelFileError("The archive has no skdeep manifest: it is not a skdeep model file.")
    members = {}
    for info in infos:
        name = info.filename
        if name in members:
            raise ModelFileError(f"The archive holds the entry {name!r} twice: it was forged or damaged.")
        if name not in (MANIFEST, MANIFEST_DIGEST) and not ARRAY_MEMBER.fullmatch(name):
            if name.startswith(("/", "\\")) or "\\" in name or ":" in name or ".." in name.split("/"):
                raise ModelFileError(f"The archive has an entry named with a path, {name!r}: refused.")
            raise ModelFileError(f"The archive has an entry {name!r} that no skdeep model file holds.")
        if info.flag_bits & 0x1:
            raise ModelFileError(f"The entry {name!r} is encrypted; skdeep never encrypts its model files.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ModelFileError(
                f"The entry {name!r} uses zip compression method {info.compress_type}; "
                "skdeep model files are stored or deflated."
            )
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise ModelFileError(f"The entry {name!r} declares inconsistent sizes: the archive is damaged.")
        _check_inflated_size(name, info.file_size, info.compress_size)
        members[name] = info
    total = sum(info.file_size for info in infos)
    if total > max_bytes:
        raise ModelFileError(
            f"The archive's entries declare {total:,} bytes uncompressed, more than max_bytes="
            f"{max_bytes:,}. If you trust this file, pass a larger max_bytes to skdeep.load."
        )
    _check_inflated_size("The archive", total, sum(info.compress_size for info in infos), floor=16 * SMALL_MEMBER_BYTES)
    if MANIFEST in members and members[MANIFEST].file_size > MAX_MANIFEST_BYTES:
        raise ModelFileError(
            f"manifest.json declares {members[MANIFEST].file_size:,} bytes; a skdeep manifest is "
            f"at most {MAX_MANIFEST_BYTES:,}."
        )
    return members


def _check_inflated_size(name, file_size, compress_size, floor=SMALL_MEMBER_BYTES):
    if file_size > max(floor, MAX_COMPRESSION_RATIO * compress_size):
        raise ModelFileError(
            f"{name} would inflate from {compress_size:,} to {file_size:,} bytes: a zip bomb, "
            "refused before inflating it."
        )


def read_stream(stream, max_bytes):
    """All of an unseekable stream (a pipe, a socket), refusing more than ``max_bytes``."""
    chunks, total = [], 0
    while True:
        chunk = stream.read(min(READ_CHUNK_BYTES, max_bytes + 1 - total))
        if not chunk:
            return io.BytesIO(b"".join(chunks))
        if not isinstance(chunk, bytes):
            raise ModelFileError("The file object returns text: open the model file in binary mode ('rb').")
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise ModelFileError(f"The stream holds more than max_bytes={max_bytes:,} bytes.")


def read_member(archive, info):
    """All bytes of a (small, size-checked) member, verified against the zip's CRC."""
    with archive.open(info) as stream:
        data = stream.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise ModelFileError(f"The entry {info.filename!r} does not hold the size it declares: the file is damaged.")
    return data


def read_npy_header(archive, info):
    """``(dtype, shape, fortran_order, header_bytes)`` of a ``.npy`` member, reading only its header.

    The declared shape is checked against the member's declared size before
    anything is allocated, so a header claiming 10**13 elements is refused
    from the header alone.
    """
    with archive.open(info) as stream:
        limited = io.BytesIO(stream.read(MAX_NPY_HEADER_BYTES))
    try:
        version = np.lib.format.read_magic(limited)
        if version == (1, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(limited, MAX_NPY_HEADER_BYTES)
        elif version == (2, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(limited, MAX_NPY_HEADER_BYTES)
        else:
            raise ValueError(f"npy format version {version} is not one skdeep writes")
    except (ValueError, TypeError, SyntaxError, EOFError) as error:
        raise ModelFileError(f"The entry {info.filename!r} is not a plain array: {error}") from None
    if dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None:
        raise ModelFileError(
            f"The entry {info.filename!r} is not a plain array: it holds {dtype} values "
            "(model arrays hold numbers or text)."
        )
    if any(length < 0 for length in shape):
        raise ModelFileError(f"The entry {info.filename!r} declares the impossible shape {shape}.")
    header_bytes = limited.tell()
    n_items = 1
    for length in shape:
        n_items *= length
    if header_bytes + n_items * dtype.itemsize != info.file_size:
        raise ModelFileError(
            f"The entry {info.filename!r} declares a {dtype} array of shape {shape} "
            f"({n_items * dtype.itemsize:,} bytes) but holds {info.file_size - header_bytes:,} bytes: refused."
        )
    return dtype, shape, fortran_order, header_bytes


def read_npy_data(archive, info, dtype, shape, fortran_order, header_bytes):
    """The array of a member whose header was checked, read in chunks into its final buffer.

    Returns the array and the SHA-256 hex digest of the member's bytes.
    """
    array = np.empty(shape[::-1] if fortran_order else shape, dtype=dtype)
    buffer = memoryview(array.reshape(-1).view(np.uint8)) if array.size else memoryview(b"")
    sha256 = hashlib.sha256()
    with archive.open(info) as stream:
        header = stream.read(header_bytes)
        sha256.update(header)
        filled = 0
        while filled < len(buffer):
            chunk = stream.read(min(READ_CHUNK_BYTES, len(buffer) - filled))
            if not chunk:
                raise ModelFileError(f"The entry {info.filename!r} ends early: the file is truncated or damaged.")
            buffer[filled : filled + len(chunk)] = chunk
            sha256.update(chunk)
            filled += len(chunk)
        if len(header) != header_bytes or stream.read(1):  # the last read also checks the zip's CRC
            raise ModelFileError(
                f"The entry {info.filename!r} does not hold the size it declares: the file is damaged."
            )
    return (array.T if fortran_order else array), sha256.hexdigest()
