"""Refusing, before anything is allocated, a fit that cannot fit in memory."""

import itertools
import os

from .nn import training_bytes

#: A fit may plan to use at most this share of the memory available when it starts.
MEMORY_SHARE = 0.9


def check_memory(layer_dims, dtype, batch_size, keep_prob, batch_norm):
    """Raise MemoryError when training a network of ``layer_dims`` needs more than is available."""
    # Counted with Adam's two state vectors, the most any optimizer keeps
    # (L-BFGS's history is of the same order).
    needed = training_bytes(layer_dims, dtype, batch_size, 2, keep_prob, batch_norm)
    available = available_memory()
    if available is not None and needed > MEMORY_SHARE * available:
        n_weights = sum(a * b for a, b in itertools.pairwise(layer_dims))
        raise MemoryError(
            f"Training this network needs about {needed / 2**30:.1f} GiB ({n_weights:,} weights with "
            f"their gradient and optimizer state, and batches of {batch_size} examples through layers "
            f"{list(layer_dims)}), but only {available / 2**30:.1f} GiB of memory is available. "
            "Use smaller hidden_layer_sizes or batch_size."
        )


def available_memory():
    """Bytes of memory available now (None where the system does not say)."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
