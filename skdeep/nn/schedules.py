"""Learning-rate decay, from the course's "Optimization algorithms" week.

Each schedule gives the learning rate of epoch ``t`` (counted from 0) from the
initial rate ``lr0``. They work with every solver: the optimizer is simply
handed the epoch's rate. ("adaptive", which divides the rate by 5 when the
cost stalls, depends on the training history and lives in the training loop.)
"""

import numpy as np


def constant(lr0, epoch, decay_rate, decay_steps):
    """``lr = lr0``."""
    return lr0


def inverse_time(lr0, epoch, decay_rate, decay_steps):
    """The course's ``lr = lr0 / (1 + decay_rate * epoch_num)``."""
    return lr0 / (1 + decay_rate * epoch)


def exponential(lr0, epoch, decay_rate, decay_steps):
    """``lr = lr0 * (1 - decay_rate) ** epoch``; the course's ``0.95^t lr0`` is decay_rate=0.05."""
    return lr0 * (1 - decay_rate) ** epoch


def step(lr0, epoch, decay_rate, decay_steps):
    """The course's fixed-interval scheduling: ``lr0 / (1 + decay_rate * floor(epoch / decay_steps))``."""
    return lr0 / (1 + decay_rate * np.floor(epoch / decay_steps))


#: Schedule name -> ``f(lr0, epoch, decay_rate, decay_steps)``.
SCHEDULES = {
    "constant": constant,
    "inverse_time": inverse_time,
    "exponential": exponential,
    "step": step,
}

#: Adaptive schedule: divide the rate by this when the monitored cost stalls...
ADAPTIVE_DIVISOR = 5.0
#: ...and stop training once the rate falls below this.
ADAPTIVE_MIN_LEARNING_RATE = 1e-6
