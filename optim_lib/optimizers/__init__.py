"""The update rules of the course, each one a short class that reads like its equation.

* :mod:`.base` — :class:`Optimizer`, the contract every rule keeps;
* :mod:`.first_order` — SGD, Momentum, Nesterov;
* :mod:`.adaptive` — AdaGrad, RMSProp, Adam, AdamW;
* :mod:`.after_adamw` — Lion, Muon (with its Newton–Schulz iteration), AdamWScheduleFree.


Every optimizer keeps one contract::

    opt = Adam(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    w = opt.step(w, dw)   # updates the float array w in place and returns it
    opt.reset()           # forgets all state (velocity, moments, step count)

A rule's class holds everything about it: its hyperparameters with their ranges
(``lr = Positive(1e-3)``: the constructor's argument and default, checked when set),
its state (``reset`` says what it is; the arrays get ``w``'s shape on the first step)
and ``update``, the equations line by line. ``step`` checks ``w`` and ``dw`` and then
calls ``update``. A non-finite gradient is *not* an error here: divergence is something
the course shows, and the runners (:mod:`optim_lib.train`) detect and report it.

The equations are those of CS231n's ``optim.py`` and of PyTorch's ``torch.optim``.
This is the reference form, one whole-array expression per line; the fast form of the
same rules (in place, in cache-sized chunks, on two threads) is :mod:`optim_lib.fused`,
tested equal to this one.
"""

from .adaptive import AdaGrad, Adam, AdamW, RMSProp
from .after_adamw import AdamWScheduleFree, Lion, Muon, muon_lr, newton_schulz
from .base import Optimizer
from .first_order import SGD, Momentum, Nesterov

__all__ = ["Optimizer", "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdamW",
           "Lion", "Muon", "AdamWScheduleFree", "newton_schulz", "muon_lr"]
