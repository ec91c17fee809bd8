"""The one place where the benchmark reaches into skdeep's internals.

Workload B's anatomy of a fit (``whole_fit.fit_anatomy``) needs to know when
skdeep's epochs start and end, which no public API tells yet:
:func:`trainer_probe` wraps two methods of the private training loop,
``skdeep._training.Trainer.epoch`` and ``Trainer._run_epochs``, for the
duration of one ``with`` block. Nothing else in ``benchmarks/`` uses a private
name of skdeep. When skdeep's training loop offers an observation hook, this
function is to use it instead, and the rest of the benchmark need not change:
it only reads the record yielded here.
"""

import contextlib
import time
import tracemalloc


@contextlib.contextmanager
def trainer_probe(trace_memory=False):
    """Hooks on skdeep's trainer (``skdeep._training.Trainer``) for one fit.

    Yields a dict that collects the time of every epoch (``"epochs"``) and,
    with ``trace_memory`` (tracemalloc must be running), the traced memory's
    peaks before the epochs (``"setup"``), during them (``"epochs_peak"``)
    and after them (read by the caller once fit returns, after
    ``tracemalloc.reset_peak`` here). The hooks are removed on exit.
    """
    from skdeep import _training

    trainer = _training.Trainer
    epoch, run_epochs = trainer.epoch, trainer._run_epochs
    record = {"epochs": []}

    def timed_epoch(self, learning_rate):
        start = time.perf_counter()
        cost = epoch(self, learning_rate)
        record["epochs"].append(time.perf_counter() - start)
        return cost

    def marked_run_epochs(self):
        if trace_memory:
            record["setup"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
        try:
            return run_epochs(self)
        finally:
            if trace_memory:
                record["epochs_peak"] = tracemalloc.get_traced_memory()[1]
                tracemalloc.reset_peak()

    trainer.epoch, trainer._run_epochs = timed_epoch, marked_run_epochs
    try:
        yield record
    finally:
        trainer.epoch, trainer._run_epochs = epoch, run_epochs
