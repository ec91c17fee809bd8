"""Watching skdeep's training loop from the benchmark, through its observation hook.

Workload B's anatomy of a fit (``whole_fit.fit_anatomy``) needs to know when
skdeep's epochs start and end. :func:`trainer_probe` listens to the training
loop's events (``skdeep._training.observe``: ``run_begin``, ``epoch_end``,
``run_end``), for the duration of one ``with`` block; it patches nothing.
"""

import contextlib
import tracemalloc


@contextlib.contextmanager
def trainer_probe(trace_memory=False):
    """Listen to skdeep's training loop for one fit.

    Yields a dict that collects the time of every epoch (``"epochs"``) and,
    with ``trace_memory`` (tracemalloc must be running), the traced memory's
    peaks before the epochs (``"setup"``), during them (``"epochs_peak"``)
    and after them (read by the caller once fit returns, after
    ``tracemalloc.reset_peak`` here). The listener is removed on exit.
    """
    from skdeep._training import observe

    record = {"epochs": []}

    def listen(event, **details):
        if event == "run_begin":
            if trace_memory:
                record["setup"] = tracemalloc.get_traced_memory()[1]
                tracemalloc.reset_peak()
        elif event == "epoch_end":
            # The loop's own timing of the epoch (from its start, or from the previous one's end).
            record["epochs"].append(details["seconds"])
        elif event == "run_end" and trace_memory:
            record["epochs_peak"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()

    with observe(listen):
        yield record
