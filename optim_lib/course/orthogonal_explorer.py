"""Chapter 15's explorer: what Newton–Schulz iterations do to a matrix's singular values.

:func:`newton_schulz_explorer` shows, for a number of iterations and a choice of polynomial,
(left) the scalar map every singular value goes through, ``s → p(p(…p(s)))`` with
``p(s) = a·s + b·s³ + c·s⁵``, and (right) the singular values of a given matrix before and
after :func:`optim_lib.optimizers.newton_schulz`, largest first.
"""

from __future__ import annotations

import numpy as np

from . import plots
from ..optimizers import newton_schulz
from .explorer import Explorer, choice, drawn_above, int_slider

__all__ = ["POLYNOMIALS", "newton_schulz_explorer"]

POLYNOMIALS = {"Muon's quintic": (3.4445, -4.775, 2.0315), "cubic (1.5, −0.5, 0)": (1.5, -0.5, 0.0)}


def _iterate(s, coefficients, steps):
    a, b, c = coefficients
    for _ in range(steps):
        s = a * s + b * s**3 + c * s**5
    return s


def newton_schulz_explorer(G, max_steps: int = 8, steps: int = 5) -> Explorer:
    """Singular values of ``G`` (a 2-D matrix) through ``steps`` Newton–Schulz iterations.

    Controls: ``steps`` (0 to ``max_steps``) and ``polynomial`` (a key of :data:`POLYNOMIALS`).
    """
    G = np.asarray(G, dtype=float)
    if G.ndim != 2 or min(G.shape) < 2 or not np.all(np.isfinite(G)):
        raise ValueError(f"G must be a finite 2-D matrix of at least 2 x 2, got shape {G.shape}")
    if not (isinstance(max_steps, int) and 1 <= max_steps <= 20):
        raise ValueError(f"max_steps must be an int in 1..20, got {max_steps!r}")
    s0 = np.linalg.svd(G, compute_uv=False) / np.linalg.norm(G)      # in [0, 1]
    grid = np.geomspace(1e-3, 1, 300)
    fig, (ax, ax_s) = plots.figure(ncols=2, width=4.3, height=3.3)
    ax.plot(grid, grid, color="0.6", lw=1, ls=":", label="before (s)")
    curve, = ax.plot(grid, grid, color=plots.color_of("Muon"), lw=1.8, label="after")
    ax.axhline(1, color="k", lw=0.6)
    ax.set(xscale="log", xlabel="singular value before, s/‖G‖_F (log)", ylabel="singular value after",
           ylim=(0, 1.4))
    ax.legend(loc="upper left", fontsize=9)
    idx = np.arange(1, len(s0) + 1)
    ax_s.plot(idx, s0, color="0.6", marker="o", ms=3, lw=1, label="G/‖G‖_F")
    after, = ax_s.plot(idx, s0, color=plots.color_of("Muon"), marker="s", ms=3, lw=1.6, label="after")
    ax_s.axhline(1, color="k", lw=0.6)
    ax_s.set(yscale="log", xlabel="singular value, largest first", ylabel="size (log)",
             ylim=(min(s0.min(), 1e-3) / 2, 2.5))
    ax_s.legend(loc="lower left", fontsize=9)

    def update(steps, polynomial):
        coefficients = POLYNOMIALS[polynomial]
        curve.set_ydata(_iterate(grid, coefficients, steps))
        s = np.linalg.svd(newton_schulz(G, coefficients, steps=steps), compute_uv=False)
        after.set_ydata(np.maximum(s, 1e-12))
        ax_s.set_title(f"{steps} iterations:\nsingular values {s.min():.2g} to {s.max():.2g}",
                       fontsize=9)

    return Explorer(fig, update, [int_slider("steps", 0, max_steps, steps),
                                  choice("polynomial", list(POLYNOMIALS), "Muon's quintic")],
                    dynamic=drawn_above(curve, after, ax_s.title))
