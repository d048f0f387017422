"""The update rules of the course, each one a short class that reads like its equation.

* :mod:`.base` — :class:`Optimizer`, the contract every rule keeps;
* :mod:`.first_order` — SGD, Momentum, Nesterov;
* :mod:`.adaptive` — AdaGrad, RMSProp, Adam, AdamW;
* :mod:`.after_adamw` — Lion, Muon (with its Newton–Schulz iteration), AdamWScheduleFree.

Every rule keeps the contract of :mod:`.base` (``step``, ``reset``, ``state``, checked
hyperparameters). The equations are those of CS231n's ``optim.py`` and of PyTorch's ``torch.optim``.
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
