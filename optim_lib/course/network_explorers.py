"""Explorers of the chapters past Adam, built on :class:`optim_lib.course.explorer.Explorer`.

* :func:`network_race_explorer` (chapter 12): one optimizer's ten loss curves and its
  validation accuracy against the learning rate, from the race's precomputed runs.
* :func:`decay_explorer` (chapter 13): Adam + L2 against AdamW for a decay strength,
  from precomputed runs.
* :func:`schedule_explorer` (chapter 14): a schedule and a learning rate, run live on a
  landscape with noisy gradients.

As everywhere in the book, ``explorer.live()`` gives the sliders and ``explorer.twin(...)``
the kernel-free frame player of the same ``update``.
"""

from __future__ import annotations

import numpy as np

from .. import checks

from . import plots
from ..network_train import check_runs
from ..schedules import Schedule, Scheduled
from ..train import run_landscape
from .explorer import Explorer, choice, drawn_above, log_slider

__all__ = ["network_race_explorer", "decay_explorer", "schedule_explorer",
           "network_search_explorer"]


def _snap(value, grid):
    return int(np.argmin(np.abs(np.log(grid) - np.log(value))))


def network_race_explorer(runs: dict, lrs, optimizer: str | None = None,
                          lr: float | None = None) -> Explorer:
    """Chapter 12: the race on the network, one optimizer and one learning rate at a time.

    Left: the training loss (mean minibatch loss of each epoch) of every seed, one thin
    line each, so the spread between seeds shows. Right: the optimizer's mean validation
    accuracy against the learning rate at each budget, with the chosen rate marked.

    Args:
        runs: ``optimizer name -> NetRuns`` from :func:`optim_lib.network_train.budget_race`
            (one group per learning rate of ``lrs``).
        lrs: the learning rates of the groups, increasing.
        optimizer, lr: the controls' starting values (default: the first optimizer, the
            middle learning rate).
    """
    lrs = checks.increasing("lrs", lrs, min_len=2)
    check_runs(runs, len(lrs), "lrs")
    names = tuple(runs)
    optimizer = names[0] if optimizer is None else optimizer
    lr = float(lrs[len(lrs) // 2]) if lr is None else lr
    first = runs[names[0]]
    epochs = first.epoch_loss.shape[0]
    n_seeds = first.epoch_loss.shape[2]
    budgets = first.checkpoints

    fig, (ax, ax_acc) = plots.figure(ncols=2, width=4.3, height=3.3)
    lines = [ax.plot([], [], lw=1.0, alpha=0.8)[0] for _ in range(n_seeds)]
    finite = np.concatenate([r.epoch_loss[np.isfinite(r.epoch_loss)].ravel() for r in runs.values()])
    ax.set(yscale="log", xlim=(1, epochs), ylim=(max(finite.min() / 2, 1e-4), 10.0),
           xlabel="epoch", ylabel="training loss (log scale)")
    plots.plain_log_ticks(ax)
    shades = ["0.75", "0.5", "0.0"][-len(budgets):] if len(budgets) <= 3 else \
        [str(v) for v in np.linspace(0.8, 0.0, len(budgets))]
    curves = [ax_acc.plot(lrs, np.full(len(lrs), np.nan), marker="o", ms=3, lw=1.4, color=c,
                          label=f"{b} epochs")[0] for b, c in zip(budgets, shades)]
    marker = ax_acc.axvline(lr, color="k", ls=":", lw=1)
    ax_acc.set(xscale="log", xlim=(lrs[0] / 1.5, lrs[-1] * 1.5), ylim=(0, 100),
               xlabel="learning rate (log scale)", ylabel="mean validation accuracy (%)")
    ax_acc.legend(loc="lower center", fontsize=9)

    def update(optimizer, lr):
        r = runs[optimizer]
        g = _snap(lr, lrs)
        color = plots.color_of(optimizer)
        x = np.arange(1, epochs + 1)
        for s, line in enumerate(lines):
            line.set_data(x, r.epoch_loss[:, g, s])
            line.set_color(color)
        for k, curve in enumerate(curves):
            curve.set_ydata(100 * r.val_acc[k].mean(axis=-1))   # nan where a seed diverged
        marker.set_xdata([lrs[g], lrs[g]])
        n_div = int(r.diverged[g].sum())
        ax.set_title(f"{optimizer}, lr = {lrs[g]:.2g}: {n_seeds} seeds"
                     + (f", {n_div} diverged" if n_div else ""), fontsize=9)
        acc = r.val_acc[-1, g]
        ax_acc.set_title("diverged" if n_div else
                         f"after {budgets[-1]} epochs: {100 * np.mean(acc):.1f}% "
                         f"(seeds {100 * np.min(acc):.1f}–{100 * np.max(acc):.1f})", fontsize=9)

    return Explorer(fig, update, [choice("optimizer", names, optimizer),
                                  log_slider("lr", float(lrs[0]), float(lrs[-1]), lr,
                                             step=float(np.log10(lrs[1] / lrs[0])))])


def decay_explorer(results: dict, strengths, strength: float | None = None) -> Explorer:
    """Chapter 13: Adam with L2 in the loss against AdamW, for one decay strength λ.

    Left: mean validation accuracy against λ for both (fixed), with λ marked. Right: the
    distribution of the final weights' sizes |w| of both, over all seeds, at that λ.

    Args:
        results: ``label -> NetRuns`` with one group per strength of ``strengths``
            (e.g. ``{"Adam + L2": ..., "AdamW": ...}``).
        strengths: the decay strengths λ, increasing.
        strength: the slider's starting value.
    """
    strengths = checks.increasing("strengths", strengths, min_len=2)
    check_runs(results, len(strengths), "strengths", name="results")
    strength = float(strengths[len(strengths) // 2]) if strength is None else strength
    fig, (ax, ax_w) = plots.figure(ncols=2, width=4.3, height=3.3)
    colors = {label: plots.color_of(label) for label in results}
    for label, r in results.items():
        ax.plot(strengths, 100 * r.val_acc[-1].mean(axis=-1), marker="o", ms=4, lw=1.6,
                color=colors[label], label=label)
    marker = ax.axvline(strength, color="k", ls=":", lw=1)
    ax.set(xscale="log", xlabel="decay strength λ (log scale)",
           ylabel="mean validation accuracy (%)")
    ax.legend(loc="lower left", fontsize=9)
    sizes = np.concatenate([np.abs(r.params[-1]).ravel() for r in results.values()])
    sizes = sizes[np.isfinite(sizes) & (sizes > 0)]
    bins = np.geomspace(max(sizes.min(), 1e-8), sizes.max() * 1.01, 41)
    stairs = {label: ax_w.stairs(np.zeros(len(bins) - 1), bins, color=colors[label], lw=1.6,
                                 label=label) for label in results}
    ax_w.set(xscale="log", xlabel="|w| of the final weights (log scale)",
             ylabel="share of the weights")
    ax_w.legend(loc="upper left", fontsize=9)
    top = 0.0
    for r in results.values():
        for g in range(len(strengths)):
            counts, _ = np.histogram(np.abs(r.params[-1, g]), bins)
            top = max(top, counts.max() / counts.sum())
    ax_w.set_ylim(0, top * 1.1)

    def update(strength):
        g = _snap(strength, strengths)
        marker.set_xdata([strengths[g], strengths[g]])
        parts = []
        for label, r in results.items():
            counts, _ = np.histogram(np.abs(r.params[-1, g]), bins)
            stairs[label].set_data(counts / max(counts.sum(), 1))
            norm = np.linalg.norm(r.params[-1, g], axis=-1).mean()
            parts.append(f"{label}: ‖w‖ = {norm:.1f}")
        ax_w.set_title(f"λ = {strengths[g]:.2g}:\n" + ", ".join(parts), fontsize=9)

    return Explorer(fig, update, [log_slider("strength", float(strengths[0]),
                                             float(strengths[-1]), strength,
                                             step=float(np.log10(strengths[1] / strengths[0])),
                                             description="λ")],
                    dynamic=drawn_above(marker, *stairs.values(), ax_w.title))


def schedule_explorer(landscape, makers: dict, schedules: dict, steps: int = 300,
                      lr_factor: float = 1.0, schedule: str | None = None,
                      window: int = 50) -> Explorer:
    """Chapter 14: a learning-rate schedule on a landscape with noisy gradients.

    Left: the schedule's factor at every step. Right: f − f* of each optimizer in
    ``makers`` (each at its own base learning rate times ``lr_factor``, the slider),
    with the mean over the last ``window`` steps in the title.

    Args:
        landscape: a function returning a fresh landscape with noisy gradients, e.g.
            ``lambda: noisy(bowl, 1.0, seed=0)``: called at every redraw, so every setting
            sees the same noise.
        makers: ``name -> (lr_factor -> optimizer)``.
        schedules: ``label -> Schedule``.
        steps: steps per run.
        lr_factor, schedule: the controls' starting values.
        window: the steps averaged in the title.
    """
    if not callable(landscape):
        raise TypeError(f"landscape must be a callable returning a fresh landscape, got {landscape!r}")
    if not isinstance(makers, dict) or not makers:
        raise ValueError(f"makers must be a non-empty dict name -> (lr_factor -> optimizer), got {makers!r}")
    if not isinstance(schedules, dict) or not schedules:
        raise ValueError(f"schedules must be a non-empty dict label -> Schedule, got {schedules!r}")
    for label, s in schedules.items():
        if not isinstance(s, Schedule):
            raise TypeError(f"schedules[{label!r}] must be a Schedule, got {s!r}")
    steps = checks.count("steps", steps)
    window = checks.count("window", window)
    if window > steps:
        raise ValueError(f"window must be at most steps = {steps}, got {window!r}")
    schedule = next(iter(schedules)) if schedule is None else schedule
    land0 = landscape()
    f_star = land0.min_value
    fig, (ax_s, ax) = plots.figure(ncols=2, width=4.3, height=3.3)
    (factor_line,) = ax_s.plot([], [], color="k", lw=1.8)
    ax_s.set(xlim=(0, steps), ylim=(0, 1.05), xlabel="step", ylabel="learning-rate factor")
    curves = {name: ax.plot([], [], lw=1.2, color=plots.color_of(name, i), label=name)[0]
              for i, name in enumerate(makers)}
    top = max(land0(np.array(land0.start)) - f_star, 1e-12) * 10
    ax.set(yscale="log", xlim=(0, steps), ylim=(1e-7, top), xlabel="step",
           ylabel="f − f* (log scale)")
    plots.plain_log_ticks(ax)
    ax.legend(loc="lower left", fontsize=9)
    t = np.arange(steps)

    def update(schedule, lr_factor):
        sched = schedules[schedule]
        factor_line.set_data(t, sched.values(steps))
        ax_s.set_title(f"{schedule}", fontsize=9)
        parts = []
        for name, make in makers.items():
            run = run_landscape(Scheduled(make(lr_factor), sched), landscape(), steps=steps)
            gap = np.maximum(run.losses - f_star, 1e-16)
            curves[name].set_data(np.arange(len(gap)), gap)
            parts.append(f"{name} {gap[-window:].mean():.1e}" if not run.diverged
                         else f"{name} diverged")
        ax.set_title(f"lr × {lr_factor:.2g}; mean f − f*, last {window} steps:\n"
                     + ", ".join(parts), fontsize=9)

    return Explorer(fig, update, [choice("schedule", tuple(schedules), schedule),
                                  log_slider("lr_factor", 0.1, 10.0, lr_factor, step=0.25,
                                             description="lr × factor")],
                    dynamic=drawn_above(factor_line, *curves.values(), ax_s.title, ax.title))


class _ErrorView:
    """A problem seen through its validation error (1 − accuracy): lower is better."""

    higher_is_better = False
    choose_by = "final"

    def __init__(self, problem):
        self.problem = problem

    def __getattr__(self, attr):
        if attr == "problem":        # not set yet (a copy or an unpickling): no recursion
            raise AttributeError(attr)
        return getattr(self.problem, attr)


def network_search_explorer(race, name: str = "Adam", trials: int | None = None,
                            label: str = "digits, MLP") -> Explorer:
    """The random search of a network race (chapter 12), each trial a point.

    :func:`optim_lib.course.search_explorer.search_explorer` on ``race`` seen through its
    validation *error* (1 − accuracy, lower is better, log colour scale), its colour bar
    labelled so. ``race`` must be a race on accuracy (``race.problem.higher_is_better``).
    """
    import dataclasses

    from .search_explorer import search_explorer

    if getattr(race.problem, "higher_is_better", False) is not True:
        raise ValueError(f"race must be a race on accuracy, got a race on {race.problem!r}")
    err = dataclasses.replace(
        race, problem=_ErrorView(race.problem),
        tune_score={n: 1.0 - np.asarray(s, dtype=float) for n, s in race.tune_score.items()})
    ex = search_explorer({label: err}, name=name, trials=trials)
    inner, bar_ax = ex._update, ex.fig.axes[-1]

    def update(**kw):
        inner(**kw)
        bar_ax.set_ylabel("validation error (1 − accuracy)", fontsize=8)
        title = bar_ax.figure.axes[0].get_title()
        if ", best " in title:
            head, best = title.rsplit(", best ", 1)
            bar_ax.figure.axes[0].set_title(f"{head}, best error {best}", fontsize=9)

    # the same changing layer and one background per problem (the labels set above are
    # the same at every redraw)
    return Explorer(ex.fig, update, list(ex.controls.values()), dynamic=ex._dynamic,
                    static_key=ex._static_key)
