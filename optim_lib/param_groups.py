"""Parameter groups: different hyperparameters for different parts of one parameter vector.

Deep-learning practice does not decay every parameter alike: weight decay is applied to
the weight matrices and left off the biases and the scale and shift of normalization
layers (He et al. 2019, "no bias decay"; PyTorch does it with *parameter groups*, one
optimizer setting per group of tensors). Here the network's parameters are one flat
vector, so a group is a boolean *mask* over its entries::

    mask = net.weight_mask()                              # True for W, False for b
    opt = exclude_from_decay(AdamW(lr=1e-2, weight_decay=0.1), ~mask)
    opt.step(params, grad)      # AdamW with decay on the weights, without on the biases

:class:`ParamGroups` keeps the optimizer contract (``step(w, dw)`` updates ``w`` in place
and returns it; ``reset()``), so :func:`optim_lib.network_train.train_networks` trains it
like any optimizer, with stacked networks too: a mask applies to the last axis.
"""

from __future__ import annotations

import numpy as np

from . import checks

__all__ = ["ParamGroups", "exclude_from_decay"]


class ParamGroups:
    """One optimizer per group of coordinates, as PyTorch's parameter groups.

    Args:
        groups: a list of ``(mask, optimizer)``: ``mask`` a 1-D boolean array over the
            parameters (the last axis of ``w``); the masks must not overlap and must cover
            every parameter, and each optimizer is a distinct instance (it keeps the state
            of its own group).

    ``step(w, dw)`` hands each optimizer the entries ``w[..., mask]`` and ``dw[..., mask]``
    and writes the updated entries back: every group is updated exactly as if its
    optimizer ran on those coordinates alone (the rules are element-wise).
    """

    name = "ParamGroups"

    def __init__(self, groups):
        try:
            groups = [(np.asarray(mask), opt) for mask, opt in groups]
        except (TypeError, ValueError):
            raise ValueError(f"groups must be a list of (mask, optimizer) pairs, got {groups!r}") from None
        if not groups:
            raise ValueError("groups must hold at least one (mask, optimizer) pair, got none")
        size = None
        for i, (mask, opt) in enumerate(groups):
            if mask.dtype != bool or mask.ndim != 1:
                raise ValueError(f"groups[{i}]'s mask must be a 1-D boolean array, got dtype "
                                 f"{mask.dtype} and shape {mask.shape}")
            if size is not None and mask.shape[0] != size:
                raise ValueError(f"groups[{i}]'s mask has {mask.shape[0]} entries, the first "
                                 f"has {size}")
            size = mask.shape[0]
        checks.optimizers([opt for _, opt in groups], "the groups' optimizers")
        count = np.sum([mask for mask, _ in groups], axis=0)
        if np.any(count != 1):
            raise ValueError(f"groups' masks must cover every parameter exactly once: "
                             f"{int(np.sum(count == 0))} uncovered, {int(np.sum(count > 1))} "
                             f"in several groups")
        self.groups = groups
        self.size = size
        self.reset()

    def reset(self) -> None:
        """Forget every group's state."""
        for _, opt in self.groups:
            opt.reset()

    def step(self, w: np.ndarray, dw) -> np.ndarray:
        """Update ``w`` in place, each group with its own optimizer, and return ``w``."""
        if not isinstance(w, np.ndarray) or not np.issubdtype(w.dtype, np.floating):
            raise TypeError(f"w must be a float numpy array, got {type(w).__name__}")
        dw = np.asarray(dw)
        if dw.shape != w.shape or w.shape[-1] != self.size:
            raise ValueError(f"dw must have w's shape {w.shape}, whose last axis has the masks' "
                             f"{self.size} entries; got dw of shape {dw.shape}")
        for mask, opt in self.groups:
            part = w[..., mask]                   # a copy: the optimizer updates it in place
            opt.step(part, dw[..., mask])
            w[..., mask] = part
        return w

    @property
    def hyperparams(self) -> dict:
        """The first group's hyperparameters (for labels and lookups by learning rate)."""
        return dict(self.groups[0][1].hyperparams)

    def __repr__(self) -> str:
        return "ParamGroups([" + ", ".join(f"({int(m.sum())} params, {o!r})"
                                           for m, o in self.groups) + "])"


def exclude_from_decay(opt, no_decay_mask) -> ParamGroups:
    """``opt`` (AdamW, or any rule with ``weight_decay``) on every parameter, but with
    ``weight_decay = 0`` on the entries where ``no_decay_mask`` is True (the biases).

    Returns a :class:`ParamGroups` of two groups: ``opt`` itself on the decayed entries,
    and a copy of it with ``weight_decay=0`` on the others.
    """
    checks.optimizer(opt)
    params = getattr(opt, "hyperparams", None)
    if not isinstance(params, dict) or "weight_decay" not in params:
        raise TypeError(f"opt must be an optimizer with a weight_decay (AdamW), got {opt!r}")
    no_decay_mask = np.asarray(no_decay_mask)
    if no_decay_mask.dtype != bool or no_decay_mask.ndim != 1:
        raise ValueError(f"no_decay_mask must be a 1-D boolean array, got dtype "
                         f"{no_decay_mask.dtype} and shape {no_decay_mask.shape}")
    plain = type(opt)(**{**params, "weight_decay": 0.0})
    return ParamGroups([(~no_decay_mask, opt), (no_decay_mask, plain)])
