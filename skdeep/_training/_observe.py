"""Watching training runs from outside: for tests and benchmarks, without patching the loop.

``with observe(listener): ...`` calls ``listener(event, **details)`` for
every run in the process while inside: ``"run_begin"`` before the first
epoch, ``"epoch_end"`` after each (with ``cost``, ``learning_rate`` and
``seconds``), ``"run_end"`` when the run ends, however it ends. Nothing is
done when nobody listens.
"""

from contextlib import contextmanager

_listeners = []


@contextmanager
def observe(listener):
    """Call ``listener(event, **details)`` for every training run's events while inside."""
    _listeners.append(listener)
    try:
        yield listener
    finally:
        _listeners.remove(listener)


def notify(event, **details):
    for listener in tuple(_listeners):
        listener(event, **details)


def listening():
    return bool(_listeners)
