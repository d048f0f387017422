"""Small test functions with exact gradients, to watch optimizers move.

A :class:`Landscape` ``L`` is called on a point ``p`` whose first axis holds the
coordinates: ``L(p)`` is the value and ``L.grad(p)`` the gradient, for one point
of shape ``(d,)`` or a whole grid of shape ``(d, ...)`` at once.

The 2-D ones illustrate the seed's three problems with SGD:

* :func:`ill_conditioned_bowl` — loss changes fast in one direction and slowly in
  the other (zig-zag);
* :func:`local_minimum` and :func:`saddle` — zero-gradient points that are not the
  answer;
* :func:`noisy` — wraps any landscape with noisy gradients, like minibatches.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

__all__ = ["Landscape", "parabola", "ill_conditioned_bowl", "saddle", "local_minimum",
           "rosenbrock", "noisy", "rotated", "shifted", "LANDSCAPES"]


@dataclass(frozen=True)
class Landscape:
    """A differentiable function with its gradient, start point and known minima.

    Attributes:
        name: short title for plots.
        f: value at ``p`` (first axis = coordinates), broadcasting over the rest.
        gradient: gradient at ``p``, same shape as ``p``.
        start: where the optimizers of the chapters start.
        minima: the minimizers (a tuple of points); ``minima[0]`` is the global one.
        xlim, ylim: the window drawn by :mod:`optim_lib.course.plots` (2-D only).
        log_levels: draw contours on a log scale (for functions spanning decades).
    """

    name: str
    f: Callable
    gradient: Callable
    start: tuple
    minima: tuple
    xlim: tuple = (-2.0, 2.0)
    ylim: tuple = (-2.0, 2.0)
    log_levels: bool = False
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def dim(self) -> int:
        return len(self.start)

    def __call__(self, p) -> float | np.ndarray:
        p = self._point(p)
        value = self.f(p)
        return float(value) if p.ndim == 1 else value

    def grad(self, p) -> np.ndarray:
        return np.asarray(self.gradient(self._point(p)), dtype=float)

    @property
    def min_value(self) -> float:
        """The value at the global minimum."""
        return self(np.array(self.minima[0], dtype=float))

    def _point(self, p):
        p = np.asarray(p, dtype=float)
        if p.ndim == 0 or p.shape[0] != self.dim:
            raise ValueError(f"p must have {self.dim} coordinates on its first axis "
                             f"for the {self.name!r} landscape, got shape {p.shape}")
        return p

    def grid(self, n: int = 160):
        """``(X, Y, Z)`` on an ``n x n`` grid over ``xlim x ylim`` (2-D only), cached."""
        if self.dim != 2:
            raise ValueError(f"grid needs a 2-D landscape; {self.name!r} has dim {self.dim}")
        if n not in self._cache:
            X, Y = np.meshgrid(np.linspace(*self.xlim, n), np.linspace(*self.ylim, n))
            self._cache[n] = (X, Y, self.f(np.stack([X, Y])))
        return self._cache[n]


def parabola(a: float = 1.0) -> Landscape:
    """1-D: f(x) = a·x²/2, gradient a·x, minimum at 0. Gradient descent diverges for lr > 2/a."""
    return Landscape(
        name=f"parabola (a={a:g})",
        f=lambda p: 0.5 * a * p[0] ** 2,
        gradient=lambda p: a * p,
        start=(1.5,), minima=((0.0,),), xlim=(-2.0, 2.0), ylim=(0.0, 2.0 * a))


def ill_conditioned_bowl(condition: float = 10.0) -> Landscape:
    """f(x, y) = (x² + condition·y²)/2: a long narrow valley along x.

    The Hessian is diag(1, condition), so ``condition`` is its condition number.
    Gradient descent is stable only for lr < 2/condition, and then it crawls
    along x, which is why it zig-zags across the valley.
    """
    if not condition >= 1:
        raise ValueError(f"condition must be >= 1, got {condition!r}")
    k = float(condition)
    return Landscape(
        name=f"ill-conditioned bowl (κ={k:g})",
        f=lambda p: 0.5 * (p[0] ** 2 + k * p[1] ** 2),
        gradient=lambda p: np.array([p[0], k * p[1]]),
        start=(-1.8, 0.6), minima=((0.0, 0.0),), xlim=(-2.0, 2.0), ylim=(-1.0, 1.0))


def saddle() -> Landscape:
    """f(x, y) = x²/2 + (y² − 1)²/4: a saddle at (0, 0) between minima at (0, ±1).

    At the saddle the gradient is zero; nearby it is tiny along y, so a run that
    starts close to y = 0 crawls before it escapes.
    """
    return Landscape(
        name="saddle",
        f=lambda p: 0.5 * p[0] ** 2 + 0.25 * (p[1] ** 2 - 1) ** 2,
        gradient=lambda p: np.array([p[0], p[1] * (p[1] ** 2 - 1)]),
        start=(1.8, 1e-3), minima=((0.0, 1.0), (0.0, -1.0)), xlim=(-2.0, 2.0), ylim=(-1.6, 1.6))


_TILT = 0.5
# Stationary points of (x² − 1)² + TILT·x along y = 0: roots of 4x³ − 4x + TILT.
_ROOTS = np.sort(np.roots([4.0, 0.0, -4.0, _TILT]).real)


def local_minimum() -> Landscape:
    """f(x, y) = (x² − 1)² + 0.5·x + y²: a tilted double well.

    A shallow local minimum sits at x ≈ +0.93 and the global one at x ≈ −1.06,
    separated by a small bump at x ≈ 0.13. Gradient descent from the right stops
    in the local minimum; momentum can carry a run over the bump.
    """
    left, bump, right = _ROOTS
    return Landscape(
        name="local minimum",
        f=lambda p: (p[0] ** 2 - 1) ** 2 + _TILT * p[0] + p[1] ** 2,
        gradient=lambda p: np.array([4 * p[0] * (p[0] ** 2 - 1) + _TILT, 2 * p[1]]),
        start=(1.9, 0.8), minima=((left, 0.0), (right, 0.0)), xlim=(-2.0, 2.0), ylim=(-1.2, 1.2))


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Landscape:
    """f(x, y) = (a − x)² + b(y − x²)²: a curved, flat-bottomed valley, minimum at (a, a²)."""
    return Landscape(
        name="Rosenbrock",
        f=lambda p: (a - p[0]) ** 2 + b * (p[1] - p[0] ** 2) ** 2,
        gradient=lambda p: np.array([-2 * (a - p[0]) - 4 * b * p[0] * (p[1] - p[0] ** 2),
                                     2 * b * (p[1] - p[0] ** 2)]),
        start=(-1.5, 2.0), minima=((a, a * a),), xlim=(-2.0, 2.0), ylim=(-1.0, 3.0),
        log_levels=True)


def noisy(landscape: Landscape, sigma: float, seed: int = 0) -> Landscape:
    """The same landscape with gradients that carry Gaussian noise of std ``sigma``.

    This imitates minibatch gradients (the seed's problem 3): the value is exact,
    the gradient is ``grad + sigma·N(0, 1)``. The noise is drawn from a Generator
    seeded with ``seed``, created anew by each call of this function.
    """
    if not sigma >= 0:
        raise ValueError(f"sigma must be >= 0, got {sigma!r}")
    rng = np.random.default_rng(seed)
    exact = landscape.gradient

    def gradient(p):
        return exact(p) + sigma * rng.standard_normal(np.shape(p))

    return replace(landscape, name=f"{landscape.name}, noisy (σ={sigma:g})", gradient=gradient,
                   _cache=landscape._cache)


def rotated(landscape: Landscape, degrees: float) -> Landscape:
    """The same 2-D landscape turned by ``degrees`` (counter-clockwise) about its global minimum.

    ``g(p) = f(c + Rᵀ(p − c))`` with ``R`` the rotation and ``c = minima[0]``: the start
    point and the minima turn with it, so every run sees the same shape, the same
    distances and the same values, only no longer lined up with the coordinate axes.
    The gradient is ``R ∇f(c + Rᵀ(p − c))``. Per-coordinate methods (AdaGrad, RMSProp,
    Adam) are not rotation-invariant; gradient descent and momentum are.
    """
    if landscape.dim != 2:
        raise ValueError(f"landscape must be 2-D to be rotated; {landscape.name!r} has dim "
                         f"{landscape.dim}")
    if isinstance(degrees, bool) or not isinstance(degrees, (int, float, np.integer, np.floating)) \
            or not np.isfinite(degrees):
        raise ValueError(f"degrees must be a finite number, got {degrees!r}")
    t = np.deg2rad(float(degrees))
    R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    c = np.array(landscape.minima[0], dtype=float)
    f0, g0 = landscape.f, landscape.gradient

    def times(M, p):      # M p over the first axis of p: np.tensordot(M, p, axes=1), the same
        return np.dot(M, p.reshape(2, -1)).reshape(p.shape)    # product, without its overhead

    def back(p):          # c + Rᵀ(p − c), over the first axis of p
        centre = c.reshape((2,) + (1,) * (np.ndim(p) - 1))
        return times(R.T, np.asarray(p, dtype=float) - centre) + centre

    def turn(p):          # c + R(p − c) for one point
        return tuple(float(v) for v in c + R @ (np.asarray(p, dtype=float) - c))

    # the drawn window: a square around c that holds the turned corners of the old one
    corners = np.array([(x, y) for x in landscape.xlim for y in landscape.ylim], dtype=float)
    r = float(np.max(np.abs((corners - c) @ R.T)))
    return replace(landscape, name=f"{landscape.name}, rotated {float(degrees):g}°",
                   f=lambda p: f0(back(p)),
                   gradient=lambda p: times(R, np.asarray(g0(back(p)), dtype=float)),
                   start=turn(landscape.start), minima=tuple(turn(m) for m in landscape.minima),
                   xlim=(float(c[0] - r), float(c[0] + r)),
                   ylim=(float(c[1] - r), float(c[1] + r)), _cache={})


def shifted(landscape: Landscape, offset, scale: float = 1.0) -> Landscape:
    """``scale · L(p − offset)``: the landscape moved by ``offset`` and its values multiplied by ``scale``.

    The minima move by ``offset`` (the start stays where it was); gradients are ``scale``
    times larger. Switching from one to another mid-run makes a non-stationary objective,
    as when the data a model trains on changes.
    """
    offset = np.asarray(offset, dtype=float)
    if offset.shape != (landscape.dim,) or not np.all(np.isfinite(offset)):
        raise ValueError(f"offset must be {landscape.dim} finite numbers, got {offset!r}")
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be positive and finite, got {scale!r}")
    f, g = landscape.f, landscape.gradient

    def moved(p):
        return p - offset.reshape((-1,) + (1,) * (np.ndim(p) - 1))

    name = landscape.name + (f", moved by {tuple(float(c) for c in offset)}" if offset.any() else "")
    name += f", ×{scale:g}" if scale != 1 else ""
    return replace(landscape, name=name,
                   f=lambda p: scale * f(moved(p)),
                   gradient=lambda p: scale * g(moved(p)),
                   minima=tuple(tuple(float(c) for c in np.asarray(m, float) + offset)
                                for m in landscape.minima),
                   _cache={})


LANDSCAPES = {
    "bowl": ill_conditioned_bowl,
    "saddle": saddle,
    "local minimum": local_minimum,
    "rosenbrock": rosenbrock,
}
