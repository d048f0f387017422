"""Pictures: landscapes with trajectories, loss curves, and the kernel-free frame player.

One name and one colour per method everywhere in the book, from the
colour-blind-safe Okabe–Ito palette: look them up with :func:`color_of`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.colors import LogNorm

__all__ = ["COLORS", "color_of", "figure", "contour", "plot_path", "plot_trajectories",
           "plot_losses", "frame_player", "animate_runs", "digit_gallery"]

# Okabe & Ito (2008), the colour-blind-safe palette.
COLORS = {
    "Random search": "#999999",
    "Numeric gradient": "#56B4E9",
    "GD": "#0072B2",
    "SGD": "#0072B2",
    "Momentum": "#E69F00",
    "Nesterov": "#D55E00",
    "AdaGrad": "#009E73",
    "RMSProp": "#CC79A7",
    "Adam": "#000000",
}
_EXTRA = ["#56B4E9", "#F0E442", "#999999", "#009E73", "#CC79A7", "#E69F00"]

plt.rcParams.update({
    "figure.dpi": 90,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "animation.embed_limit": 40.0,   # MB of frames a player may embed
})


def color_of(method, default_index: int = 0) -> str:
    """The book's colour for an optimizer (instance, class or name)."""
    name = getattr(method, "name", method)
    name = name if isinstance(name, str) else type(method).__name__
    return COLORS.get(name, _EXTRA[default_index % len(_EXTRA)])


def figure(ncols: int = 1, width: float = 4.4, height: float = 3.4, **kw):
    """A figure with ``ncols`` axes side by side, sized for the book's page."""
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), squeeze=False, **kw)
    fig.set_layout_engine("constrained")
    return fig, list(axes[0])


def contour(landscape, ax=None, n: int = 160, levels: int = 25, title: str | None = None):
    """Draw a 2-D landscape's contours, its minima (stars) and its start point (circle)."""
    if ax is None:
        _, (ax,) = figure()
    X, Y, Z = landscape.grid(n)
    if landscape.log_levels:
        zmin = max(Z.min(), 1e-3)
        lv = np.geomspace(zmin, Z.max(), levels)
        ax.contourf(X, Y, Z, levels=lv, norm=LogNorm(), cmap="Greys_r", alpha=0.35)
        ax.contour(X, Y, Z, levels=lv, norm=LogNorm(), colors="0.55", linewidths=0.5)
    else:  # levels at quantiles of the window's values: evenly spread lines
        lv = np.unique(np.quantile(Z, np.linspace(0, 0.97, levels)))
        ax.contourf(X, Y, Z, levels=lv, cmap="Greys_r", alpha=0.35, extend="max")
        ax.contour(X, Y, Z, levels=lv, colors="0.55", linewidths=0.5)
    for i, m in enumerate(landscape.minima):
        ax.plot(*m, marker="*", ms=13 if i == 0 else 9, color="#F0E442", mec="k", mew=0.8,
                ls="none", zorder=5, label="global minimum" if i == 0 else None)
    ax.plot(*landscape.start, "o", color="w", mec="k", ms=6, zorder=5)
    ax.set(xlim=landscape.xlim, ylim=landscape.ylim, xlabel="$x$", ylabel="$y$",
           title=title or landscape.name)
    return ax


def plot_path(ax, run, color=None, label=None, **kw):
    """Draw one :class:`~optim_lib.train.Run`'s path; returns the line."""
    style = dict(lw=1.6, marker=".", ms=4, zorder=4)
    style.update(kw)
    (line,) = ax.plot(run.path[:, 0], run.path[:, 1], color=color, label=label or run.label, **style)
    return line


def plot_trajectories(landscape, runs, ax=None, title=None, colors=None):
    """Contours of ``landscape`` with the path of every run in ``runs`` (a list of Runs)."""
    ax = contour(landscape, ax=ax, title=title)
    for i, run in enumerate(runs):
        color = colors[i] if colors else color_of(run.label.split("(")[0], i)
        plot_path(ax, run, color=color)
    ax.legend(loc="best", framealpha=0.9)
    return ax


def plot_losses(curves, ax=None, log: bool = True, title: str | None = None,
                xlabel: str = "step", ylabel: str = "loss", colors=None):
    """Loss curves. ``curves`` is a list of Runs or a dict ``label -> values``."""
    if ax is None:
        _, (ax,) = figure()
    if not isinstance(curves, dict):
        curves = {run.label: run.losses for run in curves}
    for i, (label, values) in enumerate(curves.items()):
        color = colors[i] if colors else color_of(label.split("(")[0], i)
        ax.plot(np.arange(len(values)), values, color=color, label=label, lw=1.6)
    if log:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel + (" (log scale)" if log else ""), title=title)
    ax.legend(loc="best")
    return ax


def frame_player(fig, update, frames, interval: int = 600):
    """The kernel-free twin of a widget: a player over precomputed frames.

    ``update(frame)`` redraws ``fig`` for one element of ``frames``. Returns an
    HTML object (matplotlib's ``to_jshtml``): every frame is rendered now, so the
    player works on a static page with no kernel and no network.
    """
    from IPython.display import HTML

    frames = list(frames)
    if not frames:
        raise ValueError("frames must hold at least one frame, got none")
    anim = FuncAnimation(fig, update, frames=frames, interval=interval, repeat=False,
                         init_func=lambda: update(frames[0]))
    html = anim.to_jshtml(default_mode="once")
    plt.close(fig)
    return HTML(html)


def animate_runs(landscape, runs, every: int = 1, interval: int = 120, title: str | None = None):
    """A frame player in which the paths of ``runs`` grow step by step, side by side."""
    fig, (ax,) = figure(width=5.0, height=3.8)
    contour(landscape, ax=ax, title=title)
    lines = [ax.plot([], [], color=color_of(r.label.split("(")[0], i), lw=1.6, marker=".", ms=3,
                     label=r.label)[0] for i, r in enumerate(runs)]
    ax.legend(loc="best", framealpha=0.9)
    longest = max(len(r.path) for r in runs)
    stamp = ax.text(0.02, 0.02, "", transform=ax.transAxes, fontsize=9)

    def update(t):
        for line, r in zip(lines, runs):
            line.set_data(r.path[: t + 1, 0], r.path[: t + 1, 1])
        stamp.set_text(f"step {t}")
        return lines

    return frame_player(fig, update, range(0, longest, every), interval=interval)


def digit_gallery(images, labels, n: int = 10, title: str | None = None):
    """The first ``n`` 8x8 digit images with their labels, in one row."""
    fig, axes = plt.subplots(1, n, figsize=(0.9 * n, 1.3))
    for ax, img, label in zip(axes, images, labels):
        ax.imshow(img, cmap="gray_r", interpolation="nearest")
        ax.set_title(str(label), fontsize=10)
        ax.axis("off")
    if title:
        fig.suptitle(title, fontsize=10, y=1.05)
    return fig
