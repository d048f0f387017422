"""Three rules past AdamW, each the same numbers as its reference implementation.

* :class:`Lion` (Chen et al. 2023) — the step is the *sign* of an interpolation of momentum
  and gradient: every coordinate moves by exactly ``lr``. One state array. As ``lion-pytorch``
  (``decoupled_weight_decay=False``).
* :class:`Muon` (Jordan et al. 2024; Liu et al. 2025) — for a 2-D weight matrix: the momentum
  is *orthogonalized* by a few Newton–Schulz iterations (:func:`newton_schulz`), so the update's
  singular values are all near 1. One state array. As ``torch.optim.Muon``, in float64 (torch
  runs the Newton–Schulz iteration in bfloat16). Biases and other non-matrix parameters go to
  AdamW, as in practice.
* :class:`AdamWScheduleFree` (Defazio et al. 2024) — no schedule and no stopping time: the
  gradient is taken at ``y``, an interpolation of the running average ``x`` and the base
  iterate ``z``; the model is evaluated at ``x``. Two state arrays. As ``schedulefree``'s
  ``AdamWScheduleFree``.

Each keeps the contract of the other rules: ``w = opt.step(w, dw)`` updates ``w`` in place,
``opt.reset()`` forgets all state, ``opt.state`` shows the state arrays.
"""

from __future__ import annotations

import math

import numpy as np

from .. import checks
from ..checks import Flag, Hyperparameter, NonNegative, Positive, Rate
from .base import Optimizer

__all__ = ["Lion", "Muon", "newton_schulz", "muon_lr", "AdamWScheduleFree"]


# The hyperparameters these rules add to the fields of optim_lib.checks --------------------

class Count(Hyperparameter):
    """An integer >= 0 (a number of steps)."""

    def check(self, name, value):
        return checks.count(name, value, minimum=0)


def three_numbers(name: str, value) -> tuple[float, float, float]:
    """Three finite numbers, as a tuple of floats."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 3:
        raise ValueError(f"{name} must be three numbers (a, b, c), got {value!r}")
    return tuple(checks.real(f"each of {name}", v) for v in value)


class Coefficients(Hyperparameter):
    """Three finite numbers (a, b, c): the Newton–Schulz polynomial a·s + b·s³ + c·s⁵."""
    check = staticmethod(three_numbers)


class Choice(Hyperparameter):
    """One of a few named options."""

    def __init__(self, default, options):
        super().__init__(default)
        self.options = options

    def check(self, name, value):
        if not (value is None or isinstance(value, str)) or value not in self.options:
            raise ValueError(f"{name} must be one of {self.options!r}, got {value!r}")
        return value


class OpenRate(Hyperparameter):
    """A number in (0, 1): a rate that must not be 0 either."""

    def check(self, name, value):
        return checks.in_range(name, value, 0, 1, lo_open=True, hi_open=True)


# Lion -------------------------------------------------------------------------------------

class Lion(Optimizer):
    """Lion (EvoLved Sign Momentum; Chen et al. 2023), as ``lion-pytorch``.

        w ← w · (1 − lr · weight_decay)                     (decoupled decay, as AdamW)
        w ← w − lr · sign(beta1 · m + (1 − beta1) · dw)     (the step: ±lr per coordinate)
        m ← beta2 · m + (1 − beta2) · dw                    (momentum, updated *after* the step)

    One state array (Adam keeps two): the step needs no second moment, because the sign
    already gives every coordinate the same size.
    """

    lr = Positive(1e-4)           # learning rate: the size of every coordinate's step
    beta1 = Rate(0.9)             # how much momentum goes into this step's direction
    beta2 = Rate(0.99)            # decay rate of the momentum
    weight_decay = NonNegative(0.0)

    def reset(self):
        self.t = 0                # steps taken
        self.m = None             # momentum, average of dw: starts at 0, with w's shape

    def update(self, w, dw):
        if self.m is None:
            self.m = np.zeros_like(w)
        self.t += 1
        w *= 1 - self.lr * self.weight_decay
        w -= self.lr * np.sign(self.beta1 * self.m + (1 - self.beta1) * dw)
        self.m = self.beta2 * self.m + (1 - self.beta2) * dw

    def effective_lr(self):
        """lr for every coordinate: the sign makes each step exactly lr long (0 where the
        interpolation is exactly 0), whatever the gradient's scale."""
        return super().effective_lr()


# Muon -------------------------------------------------------------------------------------

def newton_schulz(G, coefficients=(3.4445, -4.775, 2.0315), steps=5, eps=1e-7) -> np.ndarray:
    """An approximately orthogonal matrix with G's singular vectors: U·S'·Vᵀ with every S'
    near 1, where G = U·S·Vᵀ. As ``torch.optim``'s ``_zeropower_via_newtonschulz`` (in G's
    dtype; torch runs it in bfloat16).

        X ← G / max(‖G‖_F, eps)          (‖G‖_F ≥ the largest singular value: all in [0, 1])
        repeat ``steps`` times:
            A ← X·Xᵀ
            X ← a·X + (b·A + c·A²)·X      (each singular value s → a·s + b·s³ + c·s⁵)

    A tall G is transposed first (and back at the end), so that A is the smaller Gram matrix.
    """
    G = np.asarray(G)
    if G.ndim != 2:
        raise ValueError(f"G must be a 2-D matrix, got shape {G.shape}")
    a, b, c = three_numbers("coefficients", coefficients)
    steps = checks.count("steps", steps, minimum=0)
    eps = checks.nonnegative("eps", eps)
    tall = G.shape[0] > G.shape[1]
    X = G.T if tall else G
    X = X / max(np.linalg.norm(X), eps)
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X.T if tall else X


def muon_lr(lr: float, adjust_lr_fn, shape) -> float:
    """The learning rate Muon applies to the orthogonalized update of a ``shape`` matrix
    (torch's ``_adjust_lr``): ``None`` or ``"original"`` (Jordan) scale it by
    √max(1, rows/cols); ``"match_rms_adamw"`` (Liu et al.) by 0.2·√max(rows, cols), which
    gives the update the RMS of AdamW's, so AdamW's lr and weight decay carry over."""
    rows, cols = shape[:2]
    if adjust_lr_fn in (None, "original"):
        return lr * math.sqrt(max(1, rows / cols))
    if adjust_lr_fn == "match_rms_adamw":
        return lr * 0.2 * math.sqrt(max(rows, cols))
    raise ValueError(f"adjust_lr_fn must be None, 'original' or 'match_rms_adamw', "
                     f"got {adjust_lr_fn!r}")


class Muon(Optimizer):
    """Muon (MomentUm Orthogonalized by Newton–Schulz), as ``torch.optim.Muon``: for 2-D
    weight matrices only.

        B ← momentum · B + (1 − momentum) · dw              (momentum buffer, an average)
        M = (1 − momentum) · dw + momentum · B   if nesterov, else B
        O = newton_schulz(M)                                (singular values near 1)
        w ← w · (1 − lr · weight_decay)                     (decoupled decay)
        w ← w − muon_lr(lr, adjust_lr_fn, w.shape) · O

    The Newton–Schulz iteration normalizes M first, so the scale of the gradient is gone
    (the papers write B ← momentum·B + dw: the same O). Biases and other parameters that
    are not matrices go to AdamW (one optimizer per parameter, as in practice).
    """

    lr = Positive(1e-3)           # learning rate (adjusted for the matrix's shape)
    weight_decay = NonNegative(0.1)
    momentum = Rate(0.95)         # decay rate of the momentum buffer
    nesterov = Flag(True)         # orthogonalize the look-ahead mix of dw and B
    ns_coefficients = Coefficients((3.4445, -4.775, 2.0315))
    eps = NonNegative(1e-7)       # floor of the norm the iteration divides by
    ns_steps = Count(5)           # Newton–Schulz iterations
    adjust_lr_fn = Choice(None, (None, "original", "match_rms_adamw"))

    def reset(self):
        self.t = 0                # steps taken
        self.B = None             # momentum buffer: starts at 0, with w's shape

    def step(self, w, dw):
        if isinstance(w, np.ndarray) and w.ndim != 2:
            raise ValueError(
                f"w must be a 2-D weight matrix for Muon, got shape {w.shape}: biases and "
                "other parameters that are not matrices go to AdamW")
        return super().step(w, dw)

    def update(self, w, dw):
        if self.B is None:
            self.B = np.zeros_like(w)
        self.t += 1
        self.B = self.momentum * self.B + (1 - self.momentum) * dw
        M = (1 - self.momentum) * dw + self.momentum * self.B if self.nesterov else self.B
        O = newton_schulz(M, self.ns_coefficients, self.ns_steps, self.eps)
        w *= 1 - self.lr * self.weight_decay
        w -= muon_lr(self.lr, self.adjust_lr_fn, w.shape) * O

    def effective_lr(self):
        """The adjusted lr, the same for every entry: the length of the step along each of
        the update's singular directions (O's singular values are near 1; its entries are
        not the gradient's)."""
        if self._shape is None:
            raise ValueError("Muon has no matrix yet: take a step first")
        return np.full(self._shape, muon_lr(self.lr, self.adjust_lr_fn, self._shape))


# Schedule-Free AdamW ----------------------------------------------------------------------

class AdamWScheduleFree(Optimizer):
    """Schedule-Free AdamW (Defazio et al. 2024, "The Road Less Scheduled"), as
    ``schedulefree.AdamWScheduleFree``.

    Three points: ``z`` takes Adam-scaled gradient steps (no momentum), ``x`` is a
    weighted running average of the z's (the point to evaluate), and the gradient is taken
    at ``y``, between them:

        y = (1 − beta1) · z + beta1 · x                     (where dw is computed)
        v ← beta2 · v + (1 − beta2) · dw²,   v̂ = v / (1 − beta2^t)
        g = dw / (√v̂ + eps) + weight_decay · y
        z ← z − lr_t · g
        x ← (1 − c_t) · x + c_t · z,    c_t = weight_t / Σ weight,
                                        weight_t = t^r · (max lr so far)^weight_lr_power
    lr_t = lr · min(1, t / warmup_steps): no schedule after the warmup, and no stopping time.

    The two points in this library, as the package's ``train()``/``eval()`` modes:
    ``w`` is ``y``, the train point — ``w = opt.step(w, dw)`` with ``dw`` the gradient at
    ``w``, as for every rule. ``opt.eval_point(w)`` returns ``x``, the point to evaluate
    (a new array; ``w`` is unchanged). Like the package, only ``y`` (in ``w``), ``z`` and
    ``v`` are stored: ``x = (y − (1 − beta1) · z) / beta1`` is recovered when needed.
    """

    lr = Positive(0.0025)         # learning rate (after the warmup)
    beta1 = OpenRate(0.9)         # where y sits between z (0) and x (1): in (0, 1)
    beta2 = Rate(0.999)           # decay rate of the second moment
    eps = NonNegative(1e-8)       # keeps the division finite
    weight_decay = NonNegative(0.0)
    warmup_steps = Count(0)       # linear warmup of lr over this many steps
    r = NonNegative(0.0)          # weights of the average grow like t^r
    weight_lr_power = NonNegative(2.0)  # ... and like (max lr so far)^weight_lr_power

    def reset(self):
        self.t = 0                # steps taken
        self.z = None             # base iterate: starts at w (x = y = z at the start)
        self.v = None             # second moment, average of dw²: starts at 0
        self.lr_max = 0.0         # largest lr_t so far
        self.weight_sum = 0.0     # Σ weight: the average's normalizer

    def update(self, w, dw):      # w is y
        if self.z is None:
            self.z, self.v = w.copy(), np.zeros_like(w)
        self.t += 1
        lr = self.lr * min(1.0, self.t / self.warmup_steps) if self.warmup_steps else self.lr
        self.lr_max = max(self.lr_max, lr)
        weight = self.t**self.r * self.lr_max**self.weight_lr_power
        self.weight_sum += weight
        c = weight / self.weight_sum if self.weight_sum else 0.0
        x = (w - (1 - self.beta1) * self.z) / self.beta1    # x_t, from y_t = w and z_t
        self.v = self.beta2 * self.v + (1 - self.beta2) * dw**2
        v_hat = self.v / (1 - self.beta2**self.t)
        g = dw / (np.sqrt(v_hat) + self.eps) + self.weight_decay * w
        self.z = self.z - lr * g
        x = (1 - c) * x + c * self.z
        w[...] = (1 - self.beta1) * self.z + self.beta1 * x

    def eval_point(self, w: np.ndarray) -> np.ndarray:
        """x, the point to evaluate (the package's eval mode), from the train point ``w``
        (= y) this optimizer steps: ``x = (y − (1 − beta1) · z) / beta1``. A new array;
        before the first step, a copy of ``w``."""
        checks.step_arrays(w, w, self._shape if self.t else None)
        if self.z is None:
            return w.copy()
        return (w - (1 - self.beta1) * self.z) / self.beta1

    def effective_lr(self):
        """Not defined: y moves towards z by c_t and by a multiple of z's Adam-scaled step,
        so no one per-coordinate rate describes the step of ``w``."""
        raise NotImplementedError(
            "AdamWScheduleFree has no per-coordinate learning rate: its train point moves "
            "towards the average x and along z's step lr/(√v̂ + eps) at once")
