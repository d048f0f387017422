"""Muon for a network's weight matrices, AdamW for everything else (the biases).

Muon orthogonalizes a *matrix*'s momentum, so in practice (Jordan et al. 2024; Liu et al.
2025; ``torch.optim.Muon``'s documentation) it runs only on the 2-D weights of the hidden
layers, and the parameters that are not matrices — biases, norms' scales — go to AdamW.
The course's network keeps all its parameters in one flat vector
(:meth:`optim_lib.nn.MLP.unpack` says where each layer's ``W`` and ``b`` sit), so the
split is::

    opt = MuonAdamW(net, lr=0.02, adamw_lr=1e-3)    # Muon on every W, AdamW on every b
    opt.step(params, grad)                          # params: (n_params,) or (..., n_params)

``W`` is stored ``(fan_in, fan_out)`` here (``x @ W``); torch's ``Linear`` stores its
transpose ``(out, in)``. Muon is applied to ``Wᵀ``, so its shape-dependent learning rate
(:func:`optim_lib.optimizers.muon_lr`) is torch's for the same layer.

Every hyperparameter may be a number or an array that broadcasts over the leading axes of
``params`` (shape ``(G, 1, 1)`` for ``G`` trials x ``S`` seeds): one call steps every
network of a race at once, with the Newton–Schulz iteration batched over them
(:func:`newton_schulz_stacked`, equal to :func:`optim_lib.optimizers.newton_schulz` matrix by
matrix). ``factors`` (shape ``(updates, G)``) schedules both learning rates per run.
"""

from __future__ import annotations

import numpy as np

from . import checks
from .nn import MLP
from .optimizers.after_adamw import three_numbers

__all__ = ["newton_schulz_stacked", "MuonAdamW"]


def newton_schulz_stacked(G, coefficients=(3.4445, -4.775, 2.0315), steps: int = 5,
                          eps: float = 1e-7) -> np.ndarray:
    """:func:`optim_lib.optimizers.newton_schulz` for a stack of matrices ``(..., m, n)``:
    each matrix divided by its own Frobenius norm, then ``steps`` iterations
    ``X ← a·X + (b·A + c·A²)·X`` with ``A = X·Xᵀ`` (the smaller Gram matrix)."""
    G = np.asarray(G)
    if G.ndim < 2:
        raise ValueError(f"G must be a matrix or a stack of matrices, got shape {G.shape}")
    a, b, c = three_numbers("coefficients", coefficients)
    steps = checks.count("steps", steps, minimum=0)
    eps = checks.nonnegative("eps", eps)
    tall = G.shape[-2] > G.shape[-1]
    X = np.swapaxes(G, -1, -2) if tall else G
    X = X / np.maximum(np.linalg.norm(X, axis=(-2, -1), keepdims=True), eps)
    for _ in range(steps):
        A = X @ np.swapaxes(X, -1, -2)
        X = a * X + (b * A + c * (A @ A)) @ X
    return np.swapaxes(X, -1, -2) if tall else X


def _rate(name, value, lo, hi, hi_open=True):
    """A number or an array of numbers in [lo, hi) (or [lo, hi])."""
    arr = np.asarray(value, dtype=float)
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr < lo) or \
            np.any(arr >= hi if hi_open else arr > hi):
        raise ValueError(f"{name} must be in [{lo}, {hi}{')' if hi_open else ']'}, got {value!r}")
    return arr if arr.ndim else float(arr)


def _positive(name, value):
    arr = np.asarray(value, dtype=float)
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0 and finite, got {value!r}")
    return arr if arr.ndim else float(arr)


class MuonAdamW:
    """Muon on the weight matrices of ``net``, AdamW on its biases; the optimizer contract
    (``step(w, dw)`` updates the flat parameters in place and returns them; ``reset()``).

    Args:
        net: the :class:`~optim_lib.nn.MLP` whose flat parameters are stepped.
        lr, momentum, nesterov, weight_decay, ns_steps, adjust_lr_fn: Muon's, as
            :class:`optim_lib.optimizers.Muon` (defaults torch's).
        adamw_lr, beta1, beta2, eps, adamw_weight_decay: AdamW's, for the biases (no
            decay on biases by default, as in practice).
        factors: None, or learning-rate factors of shape ``(updates, G)``: update ``t``
            of run ``g`` uses ``lr · factors[t, g]`` and ``adamw_lr · factors[t, g]``.
    """

    name = "Muon + AdamW"

    def __init__(self, net: MLP, lr=1e-3, momentum=0.95, nesterov: bool = True,
                 weight_decay=0.1, ns_steps: int = 5, adjust_lr_fn=None, adamw_lr=1e-3,
                 beta1=0.9, beta2=0.999, eps=1e-8, adamw_weight_decay=0.0, factors=None):
        if not isinstance(net, MLP):
            raise TypeError(f"net must be an optim_lib.nn.MLP, got {type(net).__name__}")
        if adjust_lr_fn not in (None, "original", "match_rms_adamw"):
            raise ValueError(f"adjust_lr_fn must be None, 'original' or 'match_rms_adamw', "
                             f"got {adjust_lr_fn!r}")
        self.net = net
        self.lr, self.adamw_lr = _positive("lr", lr), _positive("adamw_lr", adamw_lr)
        self.momentum = _rate("momentum", momentum, 0, 1)
        self.beta1, self.beta2 = _rate("beta1", beta1, 0, 1), _rate("beta2", beta2, 0, 1)
        self.eps = _rate("eps", eps, 0, np.inf)
        self.weight_decay = _rate("weight_decay", weight_decay, 0, np.inf)
        self.adamw_weight_decay = _rate("adamw_weight_decay", adamw_weight_decay, 0, np.inf)
        self.nesterov = bool(nesterov)
        self.ns_steps = checks.count("ns_steps", ns_steps, minimum=0)
        self.adjust_lr_fn = adjust_lr_fn
        if factors is not None:
            factors = np.asarray(factors, dtype=float)
            if factors.ndim != 2 or not np.all(factors > 0):
                raise ValueError(f"factors must be an (updates, runs) array of numbers > 0, "
                                 f"got shape {factors.shape}")
        self.factors = factors
        self.reset()

    def reset(self) -> None:
        """Forget the momentum buffers, the moments and the step count."""
        self.t = 0
        self.B = None             # one Muon momentum buffer per layer, (..., out, in)
        self.m = self.v = None    # AdamW's moments of the biases

    @property
    def state(self) -> dict:
        """The state arrays: a momentum per weight matrix, two moments for the biases."""
        if self.B is None:
            return {}
        return {**{f"B{i}": B for i, B in enumerate(self.B)}, "m": self.m, "v": self.v}

    def _factor(self, w):
        if self.factors is None:
            return 1.0
        f = self.factors[min(self.t, len(self.factors) - 1)]
        return f.reshape(f.shape + (1,) * (w.ndim - 1))

    def step(self, w: np.ndarray, dw) -> np.ndarray:
        """Update ``w`` in place (Muon on each ``W``, AdamW on the biases) and return it."""
        if not isinstance(w, np.ndarray) or not np.issubdtype(w.dtype, np.floating):
            raise TypeError(f"w must be a float numpy array, got {type(w).__name__}")
        dw = np.asarray(dw)
        if dw.shape != w.shape or w.shape[-1] != self.net.n_params:
            raise ValueError(f"dw must have w's shape {w.shape}, whose last axis has the "
                             f"network's {self.net.n_params} parameters; got dw of shape {dw.shape}")
        f = self._factor(w)
        lead = w.shape[:-1]
        lr, alr = self.lr * f, self.adamw_lr * f              # broadcast over (..., n_params)
        dt = w.dtype                                          # float32 runs stay float32
        mat = lambda x: np.asarray(x, dtype=dt)[..., None]     # the same over (..., out, in)
        mask = self.net.weight_mask()
        if self.B is None:
            self.B = [None] * self.net.n_layers
            self.m = np.zeros(dw[..., ~mask].shape)
            self.v = np.zeros(dw[..., ~mask].shape)
        self.t += 1
        for i, (sl, _, (fan_in, fan_out)) in enumerate(self.net._slices):
            W = np.swapaxes(w[..., sl].reshape(*lead, fan_in, fan_out), -1, -2)  # (out, in)
            G = np.swapaxes(dw[..., sl].reshape(*lead, fan_in, fan_out), -1, -2)
            B = np.zeros(G.shape, dt) if self.B[i] is None else self.B[i]
            B = mat(self.momentum) * B + (1 - mat(self.momentum)) * G
            self.B[i] = B
            M = (1 - mat(self.momentum)) * G + mat(self.momentum) * B if self.nesterov else B
            O = newton_schulz_stacked(M, steps=self.ns_steps)
            if self.adjust_lr_fn == "match_rms_adamw":
                scale = 0.2 * np.sqrt(max(fan_out, fan_in))
            else:
                scale = np.sqrt(max(1.0, fan_out / fan_in))
            W = W * (1 - mat(lr) * mat(self.weight_decay)) - mat(lr) * dt.type(scale) * O
            w[..., sl] = np.swapaxes(W, -1, -2).reshape(*lead, fan_in * fan_out)
        b, g = w[..., ~mask], dw[..., ~mask]
        self.m = self.beta1 * self.m + (1 - self.beta1) * g
        self.v = self.beta2 * self.v + (1 - self.beta2) * g * g
        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        b = b * (1 - alr * self.adamw_weight_decay) - alr * m_hat / (np.sqrt(v_hat) + self.eps)
        w[..., ~mask] = b
        return w

    def __repr__(self) -> str:
        return (f"MuonAdamW({self.net.sizes}: Muon(lr={self.lr}, momentum={self.momentum}) on "
                f"{self.net.n_layers} matrices, AdamW(lr={self.adamw_lr}) on the biases)")
