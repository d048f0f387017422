"""Explorers of optimizer paths on 2-D landscapes (chapters 5 to 11), and the appendix's
step cost.

Each factory returns an :class:`~optim_lib.course.explorer.Explorer` (see :mod:`optim_lib.course.explorer`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from . import plots
from .explorer import Control, Explorer, choice, drawn_above, float_slider, log_slider
from ..train import run_landscape

__all__ = ["trajectory_explorer", "zigzag_explorer", "noise_explorer", "race_explorer",
           "step_cost_explorer"]


def trajectory_explorer(landscape, methods: dict, controls: list[Control], steps: int = 100,
                        title: str | None = None) -> Explorer:
    """Paths of one or more optimizers on a 2-D landscape, and their loss curves.

    Args:
        landscape: a 2-D :class:`~optim_lib.landscapes.Landscape`.
        methods: ``label -> make(**params)``, each returning a fresh optimizer.
        controls: the sliders; their names are the keywords passed to each ``make``.
        steps: steps per run.
    """
    fig, (ax, ax_loss) = plots.figure(ncols=2, width=4.2, height=3.4)
    plots.contour(landscape, ax=ax, title=title)
    lines, curves = {}, {}
    for i, label in enumerate(methods):
        color = plots.color_of(label, i)
        lines[label], = ax.plot([], [], color=color, lw=1.6, marker=".", ms=4, label=label, zorder=4)
        curves[label], = ax_loss.plot([], [], color=color, lw=1.6, label=label)
    legend = ax.legend(loc="upper right", framealpha=0.9)
    f_star = landscape.min_value
    # A fixed loss axis: runs compare across slider positions, and the axes never redraw.
    top = max(landscape(np.array(landscape.start)) - f_star, 1e-12) * 1e3
    ax_loss.set(yscale="log", xlim=(0, steps), ylim=(1e-16, top), xlabel="step",
                ylabel="f − f* (log scale)", title="distance to the minimum value")
    plots.plain_log_ticks(ax_loss)
    suptitle = fig.suptitle(" \n ", fontsize=9)

    def update(**params):
        status = []
        for label, make in methods.items():
            run = run_landscape(make(**params), landscape, steps=steps)
            lines[label].set_data(run.path[:, 0], run.path[:, 1])
            gap = np.maximum(run.losses - f_star, 1e-16)
            curves[label].set_data(np.arange(len(gap)), gap)
            status.append(f"{label}: diverged at step {run.diverged_at}" if run.diverged
                          else f"{label}: f − f* = {gap[-1]:.1e}")
        shown = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in params.items())
        suptitle.set_text(f"{shown}\n" + " · ".join(status))

    return Explorer(fig, update, controls,
                    dynamic=[*lines.values(), legend, *curves.values(), suptitle])


def zigzag_explorer(condition: float = 10.0, lr_fraction: float = 0.9, steps: int = 60,
                    max_condition: float = 100.0, target: float = 1e-4) -> Explorer:
    """Chapter 5, problem 1: gradient descent on the ill-conditioned bowl.

    Controls: ``condition`` (the bowl's condition number κ, 1 to
    ``max_condition``) and ``lr_fraction`` (the learning rate as a fraction of
    the stability limit 2/κ; above 1 the run diverges). The bowl's contours are
    ellipses, redrawn with ``set_data``, so any κ redraws fast.

    Args:
        condition, lr_fraction: the controls' starting values.
        steps: gradient descent steps per run.
        max_condition: the upper end of the condition slider.
        target: the loss that counts as "arrived" in the title.
    """
    from ..landscapes import ill_conditioned_bowl
    from ..optimizers import SGD

    if not max_condition > 1:
        raise ValueError(f"max_condition must be > 1, got {max_condition!r}")
    if not 1 <= condition <= max_condition:
        raise ValueError(f"condition must be in [1, {max_condition}], got {condition!r}")
    if not 0.05 <= lr_fraction <= 1.1:
        raise ValueError(f"lr_fraction must be in [0.05, 1.1], got {lr_fraction!r}")
    if not target > 0:
        raise ValueError(f"target must be > 0, got {target!r}")
    base = ill_conditioned_bowl(condition)
    fig, (ax, ax_loss) = plots.figure(ncols=2, width=4.2, height=3.3)
    levels = np.geomspace(0.01, 4.0, 9)
    t = np.linspace(0, 2 * np.pi, 121)
    rings = [ax.plot([], [], color="0.6", lw=0.7)[0] for _ in levels]
    ax.plot(0, 0, marker="*", ms=13, color="#F0E442", mec="k", mew=0.8, ls="none", zorder=5)
    ax.plot(*base.start, "o", color="w", mec="k", ms=6, zorder=5)
    color = plots.COLORS["GD"]
    (path,) = ax.plot([], [], color=color, lw=1.4, marker=".", ms=4, zorder=4)
    ax.set(xlim=base.xlim, ylim=base.ylim, xlabel="$x$", ylabel="$y$")
    (curve,) = ax_loss.plot([], [], color=color, lw=1.8)
    ax_loss.axhline(target, color="k", ls=":", lw=1)
    ax_loss.set(yscale="log", xlim=(0, steps), ylim=(1e-12, 1e3), xlabel="step",
                ylabel="loss (log scale)")

    def update(condition, lr_fraction):
        bowl = ill_conditioned_bowl(condition)
        for ring, c in zip(rings, levels):
            ring.set_data(np.sqrt(2 * c) * np.cos(t), np.sqrt(2 * c / condition) * np.sin(t))
        lr = lr_fraction * 2 / condition
        run = run_landscape(SGD(lr), bowl, steps=steps)
        path.set_data(run.path[:, 0], run.path[:, 1])
        curve.set_data(np.arange(len(run.losses)), np.maximum(run.losses, 1e-16))
        ax.set_title(f"κ = {condition:.3g}, lr = {lr_fraction:.2f} × 2/κ = {lr:.3g}")
        if run.diverged:
            verdict = f"diverged at step {run.diverged_at}"
        else:
            hit = run.steps_to(target)
            verdict = (f"loss ≤ {target:g} at step {hit}" if hit is not None
                       else f"diverging: loss {run.final_loss:.1e} after {steps} steps"
                       if run.final_loss > run.losses[0]
                       else f"loss {run.final_loss:.1e} after {steps} steps")
        ax_loss.set_title(verdict)

    return Explorer(fig, update, [log_slider("condition", 1.0, max_condition, condition),
                                  float_slider("lr_fraction", 0.05, 1.1, lr_fraction, step=0.05,
                                               description="lr × κ/2")],
                    dynamic=drawn_above(*rings, path, curve, ax.title, ax_loss.title))


def noise_explorer(landscape, lr: float = 0.1, sigma: float = 1.0, max_sigma: float = 4.0,
                   steps: int = 150, seed: int = 0) -> Explorer:
    """Chapter 5, problem 3: gradient descent with noisy gradients.

    The ``sigma`` slider sets the standard deviation of the Gaussian noise added
    to every gradient (:func:`optim_lib.landscapes.noisy`, re-seeded with
    ``seed`` at every redraw, so a value always shows the same run). The
    noise-free run is drawn in grey.

    Args:
        landscape: a 2-D :class:`~optim_lib.landscapes.Landscape`.
        lr: the learning rate of plain SGD.
        sigma, max_sigma: the slider's starting value and upper end.
        steps: steps per run.
        seed: seed of the noise.
    """
    from ..landscapes import noisy
    from ..optimizers import SGD

    if not max_sigma > 0:
        raise ValueError(f"max_sigma must be > 0, got {max_sigma!r}")
    if not 0 <= sigma <= max_sigma:
        raise ValueError(f"sigma must be in [0, {max_sigma}], got {sigma!r}")
    clean = run_landscape(SGD(lr), landscape, steps=steps, label="exact gradient")
    f_star = landscape.min_value
    fig, (ax, ax_loss) = plots.figure(ncols=2, width=4.2, height=3.3)
    plots.contour(landscape, ax=ax)
    plots.plot_path(ax, clean, color="0.4", ms=2, lw=1.2)
    color = plots.COLORS["SGD"]
    (path,) = ax.plot([], [], color=color, lw=1.2, marker=".", ms=3, zorder=4,
                      label="noisy gradient")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    gap_clean = np.maximum(clean.losses - f_star, 1e-16)
    ax_loss.plot(gap_clean, color="0.4", lw=1.2, label="exact gradient")
    (curve,) = ax_loss.plot([], [], color=color, lw=1.4, label="noisy gradient")
    ax_loss.set(yscale="log", xlim=(0, steps), ylim=(1e-8, 10 * gap_clean.max()),
                xlabel="step", ylabel=r"$f - f^\star$ (log scale)")
    ax_loss.legend(loc="lower left", fontsize=8)
    tail = max(1, steps // 3)

    def update(sigma):
        run = run_landscape(SGD(lr), noisy(landscape, sigma, seed), steps=steps)
        path.set_data(run.path[:, 0], run.path[:, 1])
        gap = np.maximum(run.losses - f_star, 1e-16)
        curve.set_data(np.arange(len(gap)), gap)
        ax.set_title(f"σ = {sigma:.2g}, lr = {lr:g}")
        ax_loss.set_title("diverged" if run.diverged else
                          f"mean f − f* over the last {tail} steps: {gap[-tail:].mean():.1e}")

    return Explorer(fig, update, [float_slider("sigma", 0.0, max_sigma, sigma,
                                               step=max_sigma / 40, description="noise σ")],
                    dynamic=drawn_above(path, curve, ax.title, ax_loss.title))


def race_explorer(landscapes: dict, makers: dict, best_lrs: dict, steps: int = 150,
                  factor: float = 1.0, landscape: str | None = None) -> Explorer:
    """Chapter 11: every optimizer at its tuned learning rate times a common factor.

    Moving ``factor`` away from 1 shows how far each optimizer's learning rate can
    be off before it breaks (the width of its working band); ``landscape`` switches
    between the landscapes. One contour axes per landscape is drawn up front at the
    same place and only shown or hidden, so a redraw only moves the paths.

    Args:
        landscapes: ``name -> Landscape`` (2-D).
        makers: ``optimizer name -> (lr -> optimizer)``.
        best_lrs: ``landscape name -> {optimizer name -> tuned lr}``.
        steps: steps per run.
        factor: the default multiplier of the tuned learning rates.
        landscape: the default landscape name (default: the first).
    """
    if not isinstance(landscapes, dict) or not landscapes:
        raise ValueError(f"landscapes must be a non-empty dict name -> Landscape, got {landscapes!r}")
    if not isinstance(makers, dict) or not makers:
        raise ValueError(f"makers must be a non-empty dict name -> (lr -> optimizer), got {makers!r}")
    for lname in landscapes:
        missing = [m for m in makers if m not in best_lrs.get(lname, {})]
        if missing:
            raise ValueError(f"best_lrs[{lname!r}] must give a learning rate for every optimizer; "
                             f"missing {missing}")
    landscape = next(iter(landscapes)) if landscape is None else landscape
    fig = plt.figure(figsize=(8.6, 3.4), layout="constrained")
    grid = fig.add_gridspec(1, 2)
    maps = {}
    for lname, land in landscapes.items():
        ax = fig.add_subplot(grid[0, 0], label=lname)
        plots.contour(land, ax=ax, n=100, levels=15)
        ax.set(xticks=[], yticks=[], xlabel="", ylabel="")   # the paths matter, not x and y;
        maps[lname] = ax                                     # tick labels cost most of a redraw
    ax_loss = fig.add_subplot(grid[0, 1])
    lines, curves = {}, {}
    for i, name in enumerate(makers):
        color = plots.color_of(name, i)
        curves[name], = ax_loss.plot([], [], color=color, lw=1.5, label=name)
        for lname, ax in maps.items():
            lines[lname, name], = ax.plot([], [], color=color, lw=1.4, marker=".", ms=3,
                                          zorder=4)
    ax_loss.set(yscale="log", xlim=(0, steps), xlabel="step",
                ylabel="f − f* (log scale)")
    plots.plain_log_ticks(ax_loss)
    ax_loss.legend(loc="lower left", fontsize=7, ncol=2)
    f_star = {lname: land.min_value for lname, land in landscapes.items()}

    def update(landscape, factor):
        for lname, ax in maps.items():
            ax.set_visible(lname == landscape)
        land = landscapes[landscape]
        lo, hi, broke = np.inf, 0.0, []
        for name, make in makers.items():
            run = run_landscape(make(best_lrs[landscape][name] * factor), land, steps=steps)
            lines[landscape, name].set_data(run.path[:, 0], run.path[:, 1])
            gap = np.maximum(run.losses - f_star[landscape], 1e-16)
            curves[name].set_data(np.arange(len(gap)), gap)
            lo, hi = min(lo, gap.min()), max(hi, gap.max())
            if run.diverged:
                broke.append(name)
        ax_loss.set_ylim(max(lo / 3, 1e-16), hi * 3)
        ax_loss.set_title(f"lr = tuned lr × {factor:.3g}\n"
                          + ("diverged: " + ", ".join(broke) if broke else "none diverged"),
                          fontsize=9)

    def widest():    # the widest tick labels and title, so the frozen layout fits them all
        ax_loss.set_ylim(1e-16, 1e3)
        ax_loss.set_title("lr = tuned lr × 0.01\ndiverged: " + ", ".join(makers), fontsize=9)

    return Explorer(fig, update, [choice("landscape", tuple(landscapes), landscape),
                                  log_slider("factor", 1e-2, 1e2, factor, step=0.25,
                                             description="lr × factor")], widest=widest)


def step_cost_explorer(table: dict) -> Explorer:
    """Appendix: the time of one step of each rule, and its share of the copy bandwidth.

    Args:
        table: ``{number of parameters: measure_steps(...) rows}``, measured up front
            (:func:`optim_lib.cost.measure_steps`), so moving the ``parameters``
            control only swaps bar heights.
    """
    if not table:
        raise ValueError("table must map at least one size to its measured rows, got {}")
    sizes = tuple(sorted(table))
    names = [r.name for r in table[sizes[0]]]
    colors = [plots.color_of(name, i) for i, name in enumerate(names)]
    fig, (ax_t, ax_f) = plots.figure(ncols=2, width=4.2, height=3.2)
    x = np.arange(len(names))
    bars_t = ax_t.bar(x, np.ones(len(names)), color=colors)
    bars_f = ax_f.bar(x, np.ones(len(names)), color=colors)
    ax_f.axhline(0.4, color="k", ls=":", lw=1, label="target 40%")
    per_param = np.array([[r.seconds / n for r in table[n]] for n in sizes]) * 1e9
    ax_t.set(yscale="log", ylim=(per_param.min() / 2, per_param.max() * 2),
             ylabel="ns per parameter (log scale)", title="time of one step")
    plots.plain_log_ticks(ax_t)
    top = max(r.fraction_of_copy for rows in table.values() for r in rows)
    ax_f.set(ylim=(0, max(1.0, top) * 1.1), ylabel="share of copy bandwidth",
             title="effective bandwidth / np.copyto")   # above 100% is possible: not capped
    from matplotlib.ticker import PercentFormatter
    ax_f.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax_f.legend(loc="upper right")
    for ax in (ax_t, ax_f):
        ax.set_xticks(x, names, rotation=30)
    title = fig.suptitle(" ", fontsize=10)     # its text is set by every update

    def update(parameters):
        rows = table[parameters]
        for bar, r in zip(bars_t, rows):
            bar.set_height(r.seconds / parameters * 1e9)
        for bar, r in zip(bars_f, rows):
            bar.set_height(r.fraction_of_copy)
        title.set_text(f"{parameters:,} float64 parameters ({parameters * 8 / 1e6:g} MB per array)")

    return Explorer(fig, update, [choice("parameters", sizes, sizes[-1])],
                    dynamic=drawn_above(*bars_t, *bars_f, title))
