"""Explorers for momentum and Nesterov (chapters 6 and 7): the valley's two directions apart.

On the ill-conditioned bowl ``f = (x² + κy²)/2`` the coordinates are the Hessian's
eigendirections, and each moves on its own (:mod:`optim_lib.quadratic`). The
:func:`directions_explorer` draws, beside the path, ``|x|`` (along the valley) and
``|y|`` (across it) on log scales, so a slider shows which direction a setting
speeds up and which it slows down, and reports the across-valley amplitude (the
largest ``|y|`` over a window of steps, :func:`~optim_lib.metrics.amplitude`) instead
of counting sign changes.

Each factory returns an :class:`~optim_lib.course.explorer.Explorer`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import checks

from . import plots
from .explorer import Control, Explorer
from ..landscapes import ill_conditioned_bowl
from ..metrics import amplitude
from ..train import run_landscape

__all__ = ["directions_explorer"]

_FLOOR = 1e-16


def directions_explorer(methods: dict, controls: list[Control], condition: float = 10.0,
                        steps: int = 150, window: tuple = (30, 60),
                        target: float = 1e-6) -> Explorer:
    """Paths on the bowl of condition ``condition``, with ``|x|`` and ``|y|`` per step.

    Args:
        methods: ``label -> make(**params)``, each returning a fresh optimizer.
        controls: the sliders; their names are the keywords passed to each ``make``.
        condition: the bowl's condition number κ (>= 1).
        steps: steps per run.
        window: ``(start, stop)`` steps over which the across-valley amplitude
            ``max |y|`` is reported.
        target: the loss that counts as "arrived" in the title.
    """
    if not methods:
        raise ValueError(f"methods must name at least one optimizer, got {methods!r}")
    steps = checks.count("steps", steps, minimum=2)
    start, stop = window
    if not (isinstance(start, (int, np.integer)) and isinstance(stop, (int, np.integer))
            and 0 <= start < stop <= steps + 1):
        raise ValueError(f"window must be (start, stop) with 0 <= start < stop <= steps + 1 "
                         f"= {steps + 1}, got {window!r}")
    target = checks.positive("target", target)
    bowl = ill_conditioned_bowl(condition)
    # the path on top, the two directions side by side below it: panels wide enough to read
    # at the book's page width (three in a row were about 220 px each)
    fig = plt.figure(figsize=(6.4, 5.9), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=(1.0, 1.0))
    ax = fig.add_subplot(grid[0, :])
    ax_x, ax_y = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
    plots.contour(bowl, ax=ax, title="path")
    paths, xs, ys = {}, {}, {}
    for i, label in enumerate(methods):
        color = plots.color_of(label, i)
        paths[label], = ax.plot([], [], color=color, lw=1.4, marker=".", ms=3, label=label,
                                zorder=4)
        xs[label], = ax_x.plot([], [], color=color, lw=1.6, label=label)
        ys[label], = ax_y.plot([], [], color=color, lw=1.6, label=label)
    legend = ax.legend(loc="upper right", fontsize=9, framealpha=0.9)
    ax_y.axvspan(start, stop - 1, color="0.9", zorder=0)
    for a, name in ((ax_x, "along the valley: |x|"), (ax_y, "across the valley: |y|")):
        a.set(yscale="log", xlim=(0, steps), ylim=(_FLOOR, 10.0), xlabel="step", title=name)
        plots.plain_log_ticks(a)
    suptitle = fig.suptitle(" \n \n ", fontsize=10)

    def update(**params):
        status = []
        for label, make in methods.items():
            run = run_landscape(make(**params), bowl, steps=steps)
            t = np.arange(len(run.path))
            paths[label].set_data(run.path[:, 0], run.path[:, 1])
            xs[label].set_data(t, np.maximum(np.abs(run.path[:, 0]), _FLOOR))
            ys[label].set_data(t, np.maximum(np.abs(run.path[:, 1]), _FLOOR))
            if run.diverged:
                status.append(f"{label}: diverged at step {run.diverged_at}")
                continue
            hit = run.steps_to(target)
            amp = amplitude(run, bowl.minima[0], 1, start, min(stop, len(run.path)))
            status.append(f"{label}: max|y| in steps {start}–{stop - 1} = {amp:.1e}, "
                          + (f"loss ≤ {target:g} at step {hit}" if hit is not None
                             else f"loss > {target:g} after {steps} steps"))
        shown = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in params.items())
        suptitle.set_text(f"κ = {bowl_condition:g}, {shown}\n" + "\n".join(status))

    bowl_condition = float(condition)
    return Explorer(fig, update, controls,
                    dynamic=[*paths.values(), legend, *xs.values(), *ys.values(), suptitle])
