"""The random search itself, as an explorer (chapter 11): each trial a point.

For one optimizer of a :class:`~optim_lib.protocol.Race`, every whole-space trial is
drawn at (learning rate, 1 − its memory hyperparameter: ρ, β₁ or RMSProp's decay),
coloured by its tuning score (log scale; grey crosses: diverged); circles ran at a
constant rate, triangles with warmup + cosine. The ``trials`` slider shows the first
``k`` trials only — the budget — and rings the one a budget of ``k`` chooses.
SGD and AdaGrad have no memory hyperparameter: their trials sit on the line
1 − ρ = 1 (for SGD that is exactly where Momentum's space contains it).
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LogNorm

from . import plots
from .explorer import Explorer, choice, drawn_above, int_slider

__all__ = ["MEMORY", "memory_of", "search_explorer"]

#: the memory hyperparameter of each optimizer, as the search space names it
MEMORY = {"Momentum": "rho", "Nesterov": "rho", "RMSProp": "decay", "Adam": "beta1"}
_LABEL = {"rho": "ρ", "decay": "decay", "beta1": "β₁"}


def memory_of(points: dict, name: str) -> np.ndarray:
    """1 − the memory hyperparameter of each trial (ones where ``name`` has none)."""
    key = MEMORY.get(name)
    if key is None:
        return np.ones_like(np.asarray(points["lr"], dtype=float))
    return 1.0 - np.asarray(points[key], dtype=float)


def search_explorer(races: dict, names=None, problem: str | None = None,
                    name: str = "Adam", trials: int | None = None) -> Explorer:
    """Explorer of the random search of ``races`` (problem label -> Race).

    Controls: ``problem`` (a key of ``races``), ``optimizer`` (one of ``names``) and
    ``trials`` (1 to the number of whole-space trials: the budget shown).
    """
    if not races:
        raise ValueError(f"races must name at least one race, got {races!r}")
    labels = list(races)
    problem = labels[0] if problem is None else problem
    if problem not in races:
        raise ValueError(f"problem must be one of {labels}, got {problem!r}")
    names = list(races[problem].names if names is None else names)
    if name not in names:
        raise ValueError(f"name must be one of {names}, got {name!r}")
    n = min(r.n_random for r in races.values())
    trials = n if trials is None else trials
    if not 1 <= trials <= n:
        raise ValueError(f"trials must be in [1, {n}], got {trials!r}")
    pts = {(p, o): races[p].points(o) for p in labels for o in names}
    norms = {}
    for p in labels:
        s = np.concatenate([pts[p, o]["score"] for o in names])
        s = s[np.isfinite(s) & (s > 0)]
        norms[p] = LogNorm(s.min(), max(s.max(), s.min() * 1.01))

    fig, (ax,) = plots.figure(width=5.6, height=3.9)
    ax.set(xscale="log", yscale="log", xlim=(5e-5, 20), ylim=(5e-4, 2),
           xlabel="learning rate (log scale)", ylabel="1 − ρ, 1 − β₁ or 1 − decay (log)")
    first = races[labels[0]]
    const = ax.scatter([], [], c=[], marker="o", s=34, cmap="viridis_r", edgecolors="k",
                       linewidths=0.4, norm=norms[labels[0]], label="constant rate", zorder=3)
    cosine = ax.scatter([], [], c=[], marker="^", s=40, cmap="viridis_r", edgecolors="k",
                        linewidths=0.4, norm=norms[labels[0]], label="warmup + cosine", zorder=3)
    bad, = ax.plot([], [], "x", color="0.55", ms=6, label="diverged", zorder=2)
    best, = ax.plot([], [], "o", ms=15, mfc="none", mec="#D55E00", mew=2, label="chosen", zorder=4)
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    bar = fig.colorbar(const, ax=ax, pad=0.02)
    bar.ax.tick_params(labelsize=8)
    del first

    def update(problem, optimizer, trials):
        p = pts[problem, optimizer]
        race = races[problem]
        lr = np.asarray(p["lr"], dtype=float)[:trials]
        mem = np.clip(memory_of(p, optimizer)[:trials], 6e-4, 1.0)
        score = np.asarray(p["score"], dtype=float)[:trials]
        cos = np.asarray(p["schedule"])[:trials] != "constant"
        ok = np.isfinite(score) & (score > 0)
        for art, mask in ((const, ok & ~cos), (cosine, ok & cos)):
            art.set_offsets(np.column_stack([lr[mask], mem[mask]]) if mask.any()
                            else np.empty((0, 2)))
            art.set_array(score[mask])
            art.set_norm(norms[problem])
        bad.set_data(lr[~ok], mem[~ok])
        sign = 1 if race.lower_is_better else -1
        ranked = np.where(ok, sign * score, np.inf)
        i = int(np.argmin(ranked))
        best.set_data([lr[i]], [mem[i]]) if np.isfinite(ranked[i]) else best.set_data([], [])
        what = "steps to target" if "bowl" in problem else "f − f* after training"
        bar.set_label(f"tuning score: {what}", fontsize=8)
        chosen = f"best {score[i]:.3g}" if np.isfinite(ranked[i]) else "none finished"
        ax.set_title(f"{optimizer} on {problem}: first {trials} trials, {chosen}", fontsize=9)

    return Explorer(fig, update, [choice("problem", labels, problem),
                                  choice("optimizer", names, name),
                                  int_slider("trials", 1, n, trials)],
                    # the colour scale (and its bar) is the problem's: one background each
                    dynamic=drawn_above(const, cosine, bad, best, ax.title),
                    static_key=lambda params: params["problem"])
