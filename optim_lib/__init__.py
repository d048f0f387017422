"""optim_lib — the real implementations behind the course "Optimizers, executable".

Notebooks teach and show; this package computes. One concept per module:

================== ============================================================
``data``           digits, seeded split, centering, bias trick, minibatches
``losses``         multiclass SVM loss (naive and vectorized), accuracy
``gradcheck``      numeric gradients, relative and norm-wise error, gradient check
``landscapes``     2-D test functions with exact gradients; turned and shifted copies
``search``         random search
``checks``         argument checks, written once (and the hyperparameter fields)
``optimizers``     SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW: each its equation
``fused``          their fast twins: in place, in chunks, on two threads (tested equal)
``schedules``      learning-rate schedules: step and cosine decay, linear warmup
``cost``           what a step costs in memory traffic, timing helpers
``train``          runners on landscapes and on the linear classifier
``noise``          how well a minibatch gradient estimates the full gradient
``nonstationary``  an objective that changes mid-run
``quadratic``      momentum and Nesterov on a quadratic, one eigendirection at a time
``linear_race``    the classifier's certified optimum f*, many classifiers x seeds at once
``nn``             a small ReLU network with softmax cross-entropy, forward and backward
``network_train``  many networks (optimizers x seeds) trained at once, chosen on validation
``metrics``        what the chapters measure on a run (overshoot, crossings, turns, ...)
``stats``          seeds compared in pairs: mean paired difference, t interval, verdict
``stationary``     the variance noisy GD, momentum and Nesterov settle at on a quadratic
``passes``         element-wise passes of an update; the cost interventions of the appendix
``param_groups``   parameter groups: weight decay for matrices, none for biases
``search_stack``   several random local searches at once, draw for draw the library's
``recorder``       an optimizer's effective learning rate and state over a run
``tuning``         learning-rate sweeps and the fair race
``plots``          contours, trajectories, loss curves
``player``         the kernel-free player: every control, frames precomputed
``alt_text``       alt text for every figure and frame, from what the figure says
``explorer``       the explorer framework: sliders and their kernel-free twins
``explorers_*``    the chapters' explorers (``widgets`` imports the first ones)
``prose``          numbers the prose quotes, for the website and for JupyterLab alike
``cheatsheet``     every rule side by side, generated from the rules themselves
``exercises*``     checkers for the chapters' exercises (``exercises_adam``: Adam's two forms)
================== ============================================================
"""

from . import fused
from .nn import MLP
from .optimizers import SGD, AdaGrad, Adam, AdamW, Momentum, Nesterov, Optimizer, RMSProp
from .schedules import Constant, CosineDecay, LinearWarmup, Scheduled, StepDecay

__all__ = ["Optimizer", "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdamW",
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
