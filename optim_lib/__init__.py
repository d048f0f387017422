"""optim_lib — the real implementations behind the course "Optimizers, executable".

Notebooks teach and show; this package computes. Two layers, one concept per module.

**The rules and what they run on** (this package; no plotting, no widget, no IPython):

================== ============================================================
``optimizers``     the update rules, each its equation: ``base`` (the contract),
                   ``first_order`` (SGD, Momentum, Nesterov), ``adaptive`` (AdaGrad,
                   RMSProp, Adam, AdamW), ``after_adamw`` (Lion, Muon, Schedule-Free AdamW)
``fused``          their fast twins: in place, in chunks, on two threads (tested equal)
``schedules``      learning-rate schedules: step and cosine decay, linear warmup
``checks``         argument checks, written once (and the hyperparameter fields)
``data``           digits, seeded split, centering, bias trick, minibatches
``losses``         multiclass SVM loss (naive and vectorized), accuracy
``gradcheck``      numeric gradients, relative and norm-wise error, gradient check
``landscapes``     2-D test functions with exact gradients; turned and shifted copies
``nn``             a small ReLU network with softmax cross-entropy, forward and backward
``search``         random search; ``search_stack``: several local searches at once
``seed_stack``     one optimizer on a noisy landscape at several seeds, in one loop
``train``          runners on landscapes and on the linear classifier
``optimum``        the classifier's certified optimum f* (and the objective it certifies)
``linear_race``    many classifiers x seeds trained at once (one stacked optimizer or several)
``network_train``  many networks (optimizers x seeds) trained at once
``tuning``         learning-rate sweeps
``search_space``   what each optimizer tunes (learning rate, 1−ρ, 1−β, ε, the schedule),
                   seeded random trials, the trials as one stacked optimizer
``problems``       the race's problems (landscapes, digits linear, the MLP), run stacked
``protocol``       the race: budgets, choice on validation, fresh seeds, test once, verdicts,
                   ranking, forgiveness
``decay_search``   weight decay in the race: Adam, Adam + L2 and AdamW on one search
``muon_split``     Muon for a network's weight matrices, AdamW for its biases
``rule_race``      Lion, Muon and Schedule-Free AdamW raced with the same protocol
``inclusion``      Momentum(ρ=0) is SGD, Adam(β₁=0) is RMSProp up to bias correction: measured
``profile``        Dolan & Moré performance profiles
``noise``          how well a minibatch gradient estimates the full gradient
``nonstationary``  an objective that changes mid-run
``quadratic``      momentum and Nesterov on a quadratic, one eigendirection at a time
``stationary``     the variance noisy GD, momentum and Nesterov settle at on a quadratic
``metrics``        what the chapters measure on a run (overshoot, crossings, turns, ...)
``stats``          seeds compared in pairs: mean paired difference, t interval, verdict
``recorder``       an optimizer's effective learning rate and state over a run
``cost``           what a step costs in memory traffic, timing helpers
``passes``         element-wise passes of an update; the cost interventions of the appendix
``param_groups``   parameter groups: weight decay for matrices, none for biases
================== ============================================================

**The course's presentation** (:mod:`optim_lib.course`, imports the rules, never the
other way): plots, the kernel-free player, alt text, the explorer framework and its
explorers, the numbers the prose quotes, the cheat sheet and the exercise checkers.
"""

from . import fused
from .nn import MLP
from .optimizers import (SGD, AdaGrad, Adam, AdamW, AdamWScheduleFree, Lion, Momentum, Muon,
                         Nesterov, Optimizer, RMSProp)
from .schedules import Constant, CosineDecay, LinearWarmup, Scheduled, StepDecay

__all__ = ["Optimizer", "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdamW",
           "Lion", "Muon", "AdamWScheduleFree",
           "OPTIMIZERS", "fused", "show_source", "MLP", "Scheduled", "Constant", "StepDecay",
           "CosineDecay", "LinearWarmup"]

OPTIMIZERS = (SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam)   # the road trip, chapters 4-11
__version__ = "0.1.0"


def show_source(obj):
    """The source code of a library object, syntax-highlighted in a notebook.

    Chapters show the library's own code with this instead of copying it, so the
    text and the code that runs cannot drift apart.
    """
    import inspect

    from IPython.display import Code

    return Code(inspect.getsource(obj), language="python")
