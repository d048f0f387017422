"""Pictures: landscapes with trajectories, loss curves, and the kernel-free frame player.

One name and one colour per method everywhere in the book, from the
colour-blind-safe Okabe–Ito palette: look them up with :func:`color_of`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.ticker import FuncFormatter, NullFormatter

__all__ = ["COLORS", "STYLES", "color_of", "style_of", "figure", "contour", "plot_path", "plot_trajectories",
           "plot_losses", "frame_player", "animate_runs", "digit_gallery",
           "animate_race",
           "plain_log_ticks", "table"]

# Okabe & Ito (2008), the colour-blind-safe palette. It has eight colours and the book draws
# more optimizers, so colours repeat across the book: no two methods drawn in the same chapter
# share a colour (GD, SGD and the numeric gradient are one method, gradient descent, and share
# its blue on purpose; Lion, Muon and Schedule-Free, of chapter 15 where only Adam is drawn
# beside them, reuse AdaGrad's, SGD's and Momentum's). What tells every optimizer apart
# everywhere is the second cue: a (line style, marker) pair of its own (STYLES; GD draws as
# SGD). tests/test_palette.py checks both.
COLORS = {
    "Random search": "#999999",
    "Numeric gradient": "#0072B2",   # gradient descent, with a numeric gradient
    "GD": "#0072B2",
    "SGD": "#0072B2",
    "Momentum": "#E69F00",
    "Nesterov": "#CC79A7",
    "AdaGrad": "#009E73",
    "RMSProp": "#56B4E9",
    "Adam": "#000000",
    "AdamW": "#D55E00",
    "Lion": "#009E73",
    "Muon": "#0072B2",
    "Schedule-Free": "#E69F00",
}
# The second cue: (line style, marker) per optimizer, all different (GD's is SGD's).
STYLES = {
    "Random search": ("-", "."),
    "Numeric gradient": (":", "x"),
    "GD": ("-", "o"),
    "SGD": ("-", "o"),
    "Momentum": ("--", "s"),
    "Nesterov": ("-.", "^"),
    "AdaGrad": (":", "D"),
    "RMSProp": ((0, (5, 1, 1, 1, 1, 1)), "v"),
    "Adam": ("-", "P"),
    "AdamW": ((0, (8, 2)), "X"),
    "Lion": ((0, (3, 1)), "*"),
    "Muon": ((0, (12, 2, 2, 2)), "h"),
    "Schedule-Free": ((0, (1, 3)), "p"),
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


def plain_log_ticks(ax, axis: str = "y"):
    """Label a log axis "1e-03" in plain text instead of TeX-like 10⁻³.

    Explorers redraw on every slider move, and parsing mathtext tick labels each time
    is a large share of a redraw.
    """
    fmt = FuncFormatter(lambda v, _: f"{v:.0e}".replace("e-0", "e-").replace("e+0", "e"))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)
    (ax.yaxis if axis == "y" else ax.xaxis).set_minor_formatter(NullFormatter())


def color_of(method, default_index: int = 0) -> str:
    """The book's colour for an optimizer (instance, class, name or a label).

    A label that starts with a method's name ("SGD(lr=0.1)", "Adam, lr = 0.01") gets that
    method's colour; anything else gets a spare colour picked by ``default_index``.
    """
    known = _known(method)
    return COLORS[known] if known else _EXTRA[default_index % len(_EXTRA)]


def _known(method):
    """The book's name for an optimizer (instance, class, name or a label), or None."""
    name = getattr(method, "name", method)
    name = name if isinstance(name, str) else type(method).__name__
    if name in COLORS:
        return name
    for known in sorted(COLORS, key=len, reverse=True):
        if name.startswith(known) and not name[len(known):len(known) + 1].isalnum():
            return known
    return None


def style_of(method, default_index: int = 0) -> dict:
    """Colour, line style and marker of an optimizer, as keyword arguments for ``ax.plot``.

    ``ax.plot(x, y, **style_of("Adam"))`` draws Adam as the whole book draws it: its colour
    plus a line style and a marker of its own (every tenth point), so that a reader who
    cannot tell two colours apart still tells the lines apart.
    """
    known = _known(method)
    if known is None:
        return {"color": color_of(method, default_index)}
    ls, marker = STYLES[known]
    return {"color": COLORS[known], "linestyle": ls, "marker": marker, "markevery": 0.1}


def _line_style(method) -> object:
    """The optimizer's line style (paths keep their step dots as markers); solid if unknown."""
    known = _known(method)
    return STYLES[known][0] if known else "-"


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
        color = colors[i] if colors else color_of(run.label, i)
        plot_path(ax, run, color=color, ls=_line_style(run.label))
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
        style = style_of(label, i)
        if colors:
            style["color"] = colors[i]
        ax.plot(np.arange(len(values)), values, label=label, lw=1.6, **style)
    if log:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel + (" (log scale)" if log else ""), title=title)
    ax.legend(loc="best")
    return ax


def frame_player(fig, update, frames, interval: int = 600, label: str = "step"):
    """The kernel-free twin of an animation: a player over precomputed frames.

    ``update(frame)`` redraws ``fig`` for one element of ``frames``. Every frame is
    rendered now (palette PNG, with alt text from the figure's titles) into the book's
    own player (:func:`optim_lib.course.player.control_player`): a labelled slider over
    ``frames`` that shows the current one, and a Play button stepping every
    ``interval`` ms. It works on a static page with no kernel and no network.
    """
    from IPython.display import HTML

    from . import player

    frames = list(frames)
    if not frames:
        raise ValueError("frames must hold at least one frame, got none")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)     # one canvas for every frame, drawn without a PNG trip

    def render(params):
        update(params[label])
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[..., :3].copy()

    html = player.control_player(render, lambda: player.describe(fig),
                                 [dict(name=label, values=frames, kind="int", label=label)],
                                 interval=interval)
    plt.close(fig)
    return HTML(html)


def animate_runs(landscape, runs, every: int = 1, interval: int = 120, title: str | None = None):
    """A frame player in which the paths of ``runs`` grow step by step, side by side."""
    fig, (ax,) = figure(width=5.0, height=3.8)
    contour(landscape, ax=ax, title=title)
    lines = [ax.plot([], [], color=color_of(r.label, i), lw=1.6, marker=".", ms=3,
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


# The two finite-difference schemes of chapters 2 and 3 (Okabe–Ito colours).
SCHEME_COLORS = {"forward": "#E69F00", "centered": "#56B4E9"}


def table(rows, headers, formats=None, caption: str | None = None):
    """A small HTML table of computed values (the book has no pandas).

    Args:
        rows: a list of rows, each a sequence with one value per header.
        headers: the column titles.
        formats: None, or one format spec per column (e.g. ``".4f"``, ``""``)
            applied to numeric cells; numbers default to ``".6g"``.
        caption: an optional caption shown above the table.

    Returns an ``IPython.display.HTML`` object.
    """
    import html as _html
    from numbers import Number

    from IPython.display import HTML

    headers = [str(h) for h in headers]
    if formats is not None and len(formats) != len(headers):
        raise ValueError(f"formats must give one spec per column ({len(headers)}), "
                         f"got {len(formats)}: {formats!r}")
    body = []
    for r, row in enumerate(rows):
        row = list(row)
        if len(row) != len(headers):
            raise ValueError(f"rows[{r}] has {len(row)} values, expected {len(headers)} "
                             f"(one per header): {row!r}")
        cells = []
        for c, value in enumerate(row):
            spec = formats[c] if formats is not None else ".6g"
            if isinstance(value, Number) and not isinstance(value, bool) and spec:
                text = format(value, spec)
            else:
                text = str(value)
            cells.append(f"<td>{_html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th>{_html.escape(h)}</th>" for h in headers)
    cap = f"<caption>{_html.escape(caption)}</caption>" if caption else ""
    return HTML(f'<table class="table">{cap}<thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table>")


def animate_race(panels, steps, title: str | None = None, width: float = 9.0,
                 height: float = 3.0, interval: int = 350):
    """One frame player with several landscapes side by side, every path growing together.

    Args:
        panels: a list of ``(landscape, runs)``; each landscape gets one axes and the
            paths of its runs (Runs labelled by optimizer name, for the book's colours).
            The legend is taken from the first panel.
        steps: the step shown in each frame (e.g. ``[0, 1, 2, 4, 8, ...]``): frame ``k``
            draws every path up to step ``steps[k]``.
        title: the figure's title; each frame shows "step t" in its lower right corner.
        width, height: figure size in inches.
    """
    panels = list(panels)
    if not panels:
        raise ValueError("panels must hold at least one (landscape, runs) pair, got none")
    steps = [int(s) for s in steps]
    if not steps or min(steps) < 0:
        raise ValueError(f"steps must be a non-empty list of step numbers >= 0, got {steps!r}")
    fig, axes = figure(ncols=len(panels), width=width / len(panels), height=height)
    lines = []
    for ax, (landscape, runs) in zip(axes, panels):
        contour(landscape, ax=ax, n=100, levels=15)
        ax.set_ylabel("$y$" if ax is axes[0] else "")
        for i, r in enumerate(runs):
            (line,) = ax.plot([], [], color=color_of(r.label, i), lw=1.4, ls=_line_style(r.label),
                              marker=".", ms=2.5, label=r.label, zorder=4)
            lines.append((line, r))
    handles = [line for line, _ in lines[:len(panels[0][1])]]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8,
               frameon=False)
    head = fig.suptitle(title or " ", fontsize=10)
    # Speed: render everything that does not move once, into a picture, and let each
    # frame draw only that picture and the paths (contours cost most of a frame).
    fig.canvas.draw()
    background = np.asarray(fig.canvas.buffer_rgba()).copy()
    fig.set_layout_engine("none")                  # freeze the positions just drawn
    moving = {line for line, _ in lines}
    for artist in fig.get_children():
        if artist is not fig.patch:
            artist.set_visible(False)
    for ax in axes:
        ax.set_visible(True)
        ax.axis("off")
        ax.patch.set_visible(False)
        for artist in ax.get_children():
            artist.set_visible(artist in moving)
    head.set_visible(True)
    head.set_color("none")                         # drawn in the picture; keeps its place
    fig.figimage(background, zorder=-10, origin="upper")
    stamp = fig.text(0.995, 0.005, "", ha="right", va="bottom", fontsize=9)

    def update(t):
        for line, r in lines:
            line.set_data(r.path[: t + 1, 0], r.path[: t + 1, 1])
        stamp.set_text(f"step {t}")
        return [line for line, _ in lines]

    return frame_player(fig, update, steps, interval=interval)

