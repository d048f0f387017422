"""Explorers: a figure plus an ``update(**params)`` that redraws it, driven two ways.

* ``explorer.live()`` — ipywidgets sliders in a live kernel; every move calls
  ``update`` and shows the figure again.
* ``explorer.twin(sweep)`` — the kernel-free twin: the same ``update`` called for a
  sweep of one control's values, rendered into a frame player
  (:func:`optim_lib.plots.frame_player`) that still moves on the static site.

Both go through the same ``update``, so what a reader sees on the website is
exactly what the sliders would show. ``update`` changes the data of existing
artists instead of plotting anew, so a redraw costs one render of the figure.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Callable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.spines import Spine
from matplotlib.text import Text
from PIL import Image

from . import plots
from .train import run_landscape

__all__ = ["Control", "Explorer", "float_slider", "log_slider", "int_slider", "choice",
           "trajectory_explorer", "random_search_explorer",
           "numeric_gradient_explorer", "gradient_check_explorer", "digits_lr_explorer", "sgd_batch_explorer", "zigzag_explorer", "noise_explorer", "race_explorer", "step_cost_explorer"]


@dataclass
class Control:
    """One input of an explorer: a slider or a dropdown."""

    name: str
    kind: str                 # "float", "log", "int" or "choice"
    value: Any
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    options: tuple = ()
    description: str | None = None
    continuous_update: bool = True

    def __post_init__(self):
        if self.kind not in ("float", "log", "int", "choice"):
            raise ValueError(f"kind must be 'float', 'log', 'int' or 'choice', got {self.kind!r}")
        if self.kind == "choice":
            if self.value not in self.options:
                raise ValueError(f"value {self.value!r} of {self.name!r} is not one of {self.options}")
        elif not (self.lo <= self.value <= self.hi):
            raise ValueError(f"value of {self.name!r} must be in [{self.lo}, {self.hi}], got {self.value!r}")

    def sweep(self, n: int = 9) -> list:
        """``n`` values spread over the control's range (all options for a choice)."""
        if self.kind == "choice":
            return list(self.options)
        if self.kind == "log":
            return [float(v) for v in np.geomspace(self.lo, self.hi, n)]
        values = np.linspace(self.lo, self.hi, n)
        if self.kind == "int":
            return sorted({int(round(v)) for v in values})
        return [float(v) for v in values]

    def widget(self):
        import ipywidgets as w

        desc = self.description or self.name
        common = dict(description=desc, continuous_update=self.continuous_update,
                      style={"description_width": "initial"}, layout=w.Layout(width="320px"))
        if self.kind == "choice":
            return w.Dropdown(options=list(self.options), value=self.value, description=desc,
                              style={"description_width": "initial"})
        if self.kind == "log":
            return w.FloatLogSlider(value=self.value, base=10, min=np.log10(self.lo),
                                    max=np.log10(self.hi), step=self.step or 0.1,
                                    readout_format=".2g", **common)
        if self.kind == "int":
            return w.IntSlider(value=self.value, min=self.lo, max=self.hi, step=self.step or 1, **common)
        return w.FloatSlider(value=self.value, min=self.lo, max=self.hi,
                             step=self.step or (self.hi - self.lo) / 100, readout_format=".3g", **common)


def float_slider(name, lo, hi, value, step=None, description=None, continuous_update=True):
    return Control(name, "float", value, lo, hi, step, description=description,
                   continuous_update=continuous_update)


def log_slider(name, lo, hi, value, step=0.1, description=None, continuous_update=True):
    """A slider over powers of ten; ``step`` is in decades."""
    return Control(name, "log", value, lo, hi, step, description=description,
                   continuous_update=continuous_update)


def int_slider(name, lo, hi, value, step=1, description=None, continuous_update=True):
    return Control(name, "int", value, lo, hi, step, description=description,
                   continuous_update=continuous_update)


def choice(name, options, value=None, description=None):
    options = tuple(options)
    return Control(name, "choice", options[0] if value is None else value, options=options,
                   description=description)


class Explorer:
    """A figure, the function that redraws it, and the controls that drive it.

    Args:
        fig: the matplotlib figure (closed from pyplot, so it is shown only on demand).
        update: ``update(**params)`` redraws ``fig`` for one setting of the controls.
        controls: the :class:`Control` objects, one per keyword of ``update``.
        dynamic: optionally, every artist that ``update`` changes. Then the rest of the
            figure (contours, axes, tick labels: most of the drawing time) is rendered
            once and reused, and a redraw draws only these artists on top of it. Only
            for explorers whose ``update`` changes nothing else (no axis limits).
    """

    def __init__(self, fig, update: Callable[..., None], controls: list[Control],
                 dynamic: list | None = None):
        self.fig = fig
        self._update = update
        self.controls = {c.name: c for c in controls}
        self._dynamic = list(dynamic) if dynamic else None
        self._background = None
        plt.close(fig)                       # shown only on demand, never by pyplot
        self._canvas = FigureCanvasAgg(fig)  # a canvas of its own, reused by every redraw
        self.update()
        # Lay the figure out once, then freeze it: re-running the layout engine on every
        # redraw (measuring every text) costs more than drawing the new data.
        fig.draw_without_rendering()
        fig.set_layout_engine("none")

    @property
    def defaults(self) -> dict:
        return {name: c.value for name, c in self.controls.items()}

    def update(self, **params) -> None:
        """Redraw for ``params`` (controls not given keep their default values)."""
        unknown = set(params) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; this explorer has "
                             f"{sorted(self.controls)}")
        self._update(**{**self.defaults, **params})

    def live(self):
        """The ipywidgets sliders with the figure below them (needs a live kernel)."""
        import ipywidgets as w
        from IPython.display import Image, display

        ctrls = {name: c.widget() for name, c in self.controls.items()}

        def show(**params):
            self.update(**params)
            display(Image(self.render()))

        out = w.interactive_output(show, ctrls)
        return w.VBox([w.HBox(list(ctrls.values()), layout=w.Layout(flex_flow="row wrap")), out])

    def render(self) -> bytes:
        """The figure as PNG bytes, as the live widget shows it after each move.

        Drawn on the explorer's own Agg canvas and encoded with light compression:
        ``savefig`` would set up a canvas and renderer anew on every move.
        """
        if self._dynamic is None:
            self._canvas.draw()
        else:
            self._draw_dynamic()
        buf = io.BytesIO()
        Image.fromarray(np.asarray(self._canvas.buffer_rgba())).save(buf, format="png",
                                                                     compress_level=1)
        return buf.getvalue()

    def _draw_dynamic(self):
        """Blit: restore the cached static part, then draw the changing artists on it."""
        if self._background is None:
            for artist in self._dynamic:
                artist.set_visible(False)
            self._canvas.draw()
            self._background = self._canvas.copy_from_bbox(self.fig.bbox)
            for artist in self._dynamic:
                artist.set_visible(True)
        self._canvas.restore_region(self._background)
        renderer = self._canvas.get_renderer()
        for artist in sorted(self._dynamic + self._above_dynamic(), key=lambda a: a.get_zorder()):
            artist.draw(renderer)

    def _above_dynamic(self):
        """Static artists that sit above a changing one (a minimum's star over a path):
        drawn again after it, so the stacking order is the same as in a full draw."""
        dynamic = set(self._dynamic)
        above = []
        for ax in {a.axes for a in self._dynamic if a.axes is not None}:
            lowest = min(a.get_zorder() for a in self._dynamic if a.axes is ax)
            above += [c for c in ax.get_children()
                      if c not in dynamic and c.get_visible() and c.get_zorder() > lowest
                      and not isinstance(c, (Axis, Spine, Text))]   # frame and titles: apart
        return above

    def twin(self, sweep: str, values=None, interval: int = 700, **fixed):
        """Kernel-free twin: a frame player over ``values`` of the control ``sweep``.

        The other controls stay at their defaults unless given in ``fixed``.
        """
        if sweep not in self.controls:
            raise ValueError(f"sweep must name a control of this explorer {sorted(self.controls)}, "
                             f"got {sweep!r}")
        values = self.controls[sweep].sweep() if values is None else list(values)
        base = {**self.defaults, **fixed}
        return plots.frame_player(self.fig, lambda v: self.update(**{**base, sweep: v}),
                                  values, interval=interval)


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


def random_search_explorer(loss_fn, shape, max_tries: int = 400,
                           scales=(1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1), scale: float = 1e-1,
                           seed: int = 0) -> Explorer:
    """Chapter 1: best loss found by random search against the number of tries.

    One search per scale of ``W`` is run up front (seeded), so moving the sliders
    only redraws. Controls: ``tries`` (how many guesses) and ``scale`` (std of W,
    one of ``scales``; ``scale`` is the default).
    """
    from .search import random_search

    results = {s: random_search(loss_fn, shape, tries=max_tries, scale=s, seed=seed) for s in scales}
    fig, (ax,) = plots.figure(width=6.0, height=3.4)
    tries_axis = np.arange(1, max_tries + 1)
    for s, r in results.items():
        ax.plot(tries_axis, r.best_so_far, color="0.85", lw=1)
    (every,) = ax.plot([], [], ".", color=plots.COLORS["Random search"], ms=3, label="loss of each try")
    (best,) = ax.plot([], [], color="#0072B2", lw=2, label="best loss so far")
    marker = ax.axvline(1, color="k", ls=":", lw=1)
    ax.set(xscale="log", xlabel="number of tries (log scale)", ylabel="SVM loss",
           xlim=(1, max_tries))
    ax.legend(loc="upper right")

    def update(tries, scale):
        r = results[scale]
        top = np.percentile(r.losses, 98)
        ax.set_ylim(r.best_loss - 0.05 * (top - r.best_loss) - 1e-3, top)
        every.set_data(tries_axis[:tries], r.losses[:tries])
        best.set_data(tries_axis[:tries], r.best_so_far[:tries])
        marker.set_xdata([tries, tries])
        ax.set_title(f"scale of W = {scale:g}: best loss after {tries} "
                     f"{'try' if tries == 1 else 'tries'} = "
                     f"{r.best_so_far[tries - 1]:.3f} (grey: other scales)")

    return Explorer(fig, update, [int_slider("tries", 1, max_tries, max_tries),
                                  choice("scale", scales, scale, description="scale of W")])


_REL_FLOOR = 1e-17   # relative errors of exactly 0 are drawn here on log axes


def _positive_grid(name, values):
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) < 2 or not np.all(values > 0) or \
            not np.all(np.isfinite(values)) or not np.all(np.diff(values) > 0):
        raise ValueError(f"{name} must be at least two increasing positive numbers, got {values!r}")
    return values


def _nearest_index(grid, value):
    """Index of the grid value closest to ``value`` on a log scale."""
    return int(np.argmin(np.abs(np.log(grid) - np.log(value))))


def _snap(value, grid):
    """The element of ``grid`` nearest to ``value`` on a log scale."""
    return float(grid[_nearest_index(grid, value)])


def numeric_gradient_explorer(f, x, analytic, hs=tuple(10.0 ** np.arange(-12, 0)),
                              num_checks: int = 20, seed: int = 0, h: float = 1e-5,
                              method: str = "centered", title: str | None = None) -> Explorer:
    """Chapter 2: how the step ``h`` and the difference scheme set a numeric gradient's error.

    For every ``h`` in ``hs`` and both schemes, the relative error between the
    numeric partial derivatives of ``f`` at ``x`` and ``analytic`` is computed up
    front on ``num_checks`` coordinates sampled with ``seed``
    (:func:`optim_lib.gradcheck.grad_check`), so the sliders only redraw.
    Left: median error against ``h`` for both schemes, the chosen point marked.
    Right: the error of every sampled coordinate at the chosen ``h`` and scheme.
    Controls: ``h`` (log slider, snapped to the nearest value of ``hs``) and ``method``.
    """
    from .gradcheck import METHODS, grad_check

    hs = _positive_grid("hs", hs)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not (hs[0] <= h <= hs[-1]):
        raise ValueError(f"h must lie in [{hs[0]:g}, {hs[-1]:g}] (the range of hs), got {h!r}")
    x = np.array(x, dtype=float)
    errors = {m: np.array([np.maximum(grad_check(f, x, analytic, num_checks, float(step), seed,
                                                 m)["rel_error"], _REL_FLOOR) for step in hs])
              for m in METHODS}                          # method -> (len(hs), num_checks)
    n = errors["centered"].shape[1]
    fig, (ax, ax2) = plots.figure(ncols=2, width=4.2, height=3.3)
    curves, markers = {}, {}
    for m in METHODS:
        color = plots.SCHEME_COLORS[m]
        curves[m], = ax.plot(hs, np.median(errors[m], axis=1), color=color, marker="o", ms=3,
                             label=m)
        markers[m], = ax.plot([], [], "o", ms=10, mfc="none", mec=color, mew=2)
    ax.set(xscale="log", yscale="log", xlabel="step h (log scale)",
           ylabel="median relative error (log)", title=title or "error against h")
    ax.legend(loc="upper center")
    points, = ax2.plot([], [], "o", ms=6)
    lowest = min(e.min() for e in errors.values())
    ax2.set(yscale="log", xlim=(0, n + 1), xlabel="sampled coordinate",
            ylabel="relative error (log scale)",
            ylim=(lowest / 10, 3 * max(e.max() for e in errors.values())))

    def update(h, method):
        i = _nearest_index(hs, h)
        for m in METHODS:
            chosen = m == method
            curves[m].set_linewidth(2.4 if chosen else 1.0)
            curves[m].set_alpha(1.0 if chosen else 0.45)
            markers[m].set_data(([hs[i]], [np.median(errors[m][i])]) if chosen else ([], []))
        points.set_data(np.arange(1, n + 1), errors[method][i])
        points.set_color(plots.SCHEME_COLORS[method])
        ax2.set_title(f"{method}, h = {hs[i]:.0e}: median {np.median(errors[method][i]):.1e}")

    return Explorer(fig, update, [log_slider("h", hs[0], hs[-1], h, step=1.0),
                                  choice("method", METHODS, method, description="scheme")])


def gradient_check_explorer(loss_fns: dict, W, X, y, regs=(1e-3, 1e-2, 1e-1, 1.0, 10.0),
                            hs=tuple(10.0 ** np.arange(-9, 0)), num_checks: int = 12,
                            seed: int = 0, reg: float = 1e-3, h: float = 1e-5) -> Explorer:
    """Chapter 3: the gradient check of one or more SVM loss implementations.

    ``loss_fns`` maps a label to ``fn(W, X, y, reg) -> (loss, dW)``; each one's
    ``dW`` is compared with the centered numeric gradient of its own loss on
    ``num_checks`` coordinates sampled with ``seed``, for every ``reg`` in
    ``regs`` and every ``h`` in ``hs``, all computed up front. The figure shows
    the relative error of every sampled coordinate, with CS231n's bands:
    below 1e-7 fine, above 1e-2 wrong. Controls: ``reg`` and ``h`` (log sliders,
    snapped to the nearest grid value).
    """
    from .gradcheck import grad_check

    if not isinstance(loss_fns, dict) or not loss_fns or not all(map(callable, loss_fns.values())):
        raise ValueError(f"loss_fns must be a non-empty dict label -> function, got {loss_fns!r}")
    regs, hs = _positive_grid("regs", regs), _positive_grid("hs", hs)
    for name, value, grid in (("reg", reg, regs), ("h", h, hs)):
        if not (grid[0] <= value <= grid[-1]):
            raise ValueError(f"{name} must lie in [{grid[0]:g}, {grid[-1]:g}], got {value!r}")
    W = np.array(W, dtype=float)
    errors = {}                                  # label -> (len(regs), len(hs), num_checks)
    for label, fn in loss_fns.items():
        table = []
        for r in regs:
            r = float(r)
            dW = fn(W, X, y, r)[1]
            table.append([grad_check(lambda V: fn(V, X, y, r)[0], W, dW, num_checks,
                                     float(step), seed)["rel_error"] for step in hs])
        errors[label] = np.maximum(np.array(table), _REL_FLOOR)
    n = next(iter(errors.values())).shape[2]
    bottom = min(1e-9, min(e.min() for e in errors.values()) / 10)
    fig, (ax,) = plots.figure(width=7.0, height=3.4)
    ax.axhspan(bottom, 1e-7, color="#009E73", alpha=0.10, lw=0, label="fine (< 1e-7)")
    ax.axhspan(1e-2, 30, color="#D55E00", alpha=0.10, lw=0, label="wrong (> 1e-2)")
    series = {}
    offsets = np.linspace(-0.15, 0.15, len(errors))
    for i, label in enumerate(errors):
        series[label], = ax.plot([], [], ["o", "s", "^", "D"][i % 4], ms=6, ls="none",
                                 color=["#0072B2", "#D55E00", "#009E73", "#CC79A7"][i % 4],
                                 label=label)
    ax.set(yscale="log", ylim=(bottom, 30), xlim=(0.3, n + 0.7),
           xlabel="sampled coordinate of W", ylabel="relative error (log scale)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)

    def update(reg, h):
        i, j = _nearest_index(regs, reg), _nearest_index(hs, h)
        worst = []
        for (label, line), dx in zip(series.items(), offsets):
            line.set_data(np.arange(1, n + 1) + dx, errors[label][i, j])
            worst.append(f"{label}: max {errors[label][i, j].max():.0e}")
        ax.set_title(f"reg = {regs[i]:g}, h = {hs[j]:.0e} — " + ", ".join(worst), fontsize=9)

    return Explorer(fig, update, [log_slider("reg", regs[0], regs[-1], reg, step=1.0),
                                  log_slider("h", hs[0], hs[-1], h, step=1.0)])

# ---------------------------------------------------------------------------
# Chapters 4 and 5: gradient descent and SGD.


def digits_lr_explorer(data, lrs=(1e-2, 3e-2, 1e-1, 3e-1, 1.0, 3.0, 10.0, 30.0, 100.0),
                       lr: float = 1.0, epochs: int = 60, reg: float = 1e-3,
                       seed: int = 0) -> Explorer:
    """Chapter 4: full-batch gradient descent on digits, one learning rate at a time.

    One run per learning rate in ``lrs`` is trained up front (``epochs``
    full-batch steps each), so the ``lr`` slider only swaps line data. The
    slider moves over ``[min(lrs), max(lrs)]`` and shows the nearest
    precomputed rate (on a log scale); ``lrs`` evenly spaced in log make the
    slider's steps land on them exactly.

    Args:
        data: a :class:`~optim_lib.data.DigitsSplit`.
        lrs: the learning rates trained up front (increasing, positive).
        lr: the slider's starting value.
        epochs: full-batch steps per run.
        reg: L2 regularization strength.
        seed: seed of the initial weights (the same for every run).
    """
    from .optimizers import SGD
    from .train import fit_linear_classifier

    lrs = tuple(_positive_grid("lrs", lrs))
    if not lrs[0] <= lr <= lrs[-1]:
        raise ValueError(f"lr must be within lrs [{lrs[0]}, {lrs[-1]}], got {lr!r}")
    runs = {v: fit_linear_classifier(SGD(v), data, epochs=epochs, batch_size=None, reg=reg,
                                     seed=seed) for v in lrs}
    fig, (ax, ax_acc) = plots.figure(ncols=2, width=4.2, height=3.3)
    color = plots.COLORS["GD"]
    for r in runs.values():
        ax.plot(r.epoch_train_loss, color="0.85", lw=1)
        ax_acc.plot(100 * np.asarray(r.val_acc), color="0.85", lw=1)
    (loss_line,) = ax.plot([], [], color=color, lw=2)
    (acc_line,) = ax_acc.plot([], [], color=color, lw=2)
    top = max(max(r.epoch_train_loss) for r in runs.values())
    low = min(min(r.epoch_train_loss) for r in runs.values())
    ax.set(yscale="log", xlim=(0, epochs), ylim=(low / 1.5, top * 1.5), xlabel="step",
           ylabel="training loss (log scale)")
    ax_acc.set(xlim=(0, epochs), ylim=(0, 100), xlabel="step", ylabel="validation accuracy (%)")
    ax_acc.axhline(10, color="k", ls=":", lw=1)
    ax_acc.text(epochs, 12, "chance", ha="right", fontsize=8)

    def update(lr):
        v = _snap(lr, lrs)
        r = runs[v]
        steps = np.arange(len(r.epoch_train_loss))
        loss_line.set_data(steps, r.epoch_train_loss)
        acc_line.set_data(steps, 100 * np.asarray(r.val_acc))
        ax.set_title(f"lr = {v:g}: final loss {r.epoch_train_loss[-1]:.3g}")
        ax_acc.set_title(f"validation accuracy {100 * r.val_acc[-1]:.1f}% (grey: other lr)")

    step = float(np.log10(lrs[1] / lrs[0]))
    return Explorer(fig, update, [log_slider("lr", lrs[0], lrs[-1], lr, step=step)])


def sgd_batch_explorer(data, batch_sizes=(4, 16, 64, 256, None), lrs=(1e-2, 1e-1, 1.0),
                       batch_size=16, lr: float = 1e-1, epochs: int = 5, reg: float = 1e-3,
                       seed: int = 0) -> Explorer:
    """Chapter 5: minibatch SGD on digits for a batch size and a learning rate.

    Every (batch size, lr) pair is trained up front for ``epochs`` epochs, so
    moving a control only swaps line data. The left panel shows the minibatch
    loss of every update against the samples seen (the noise) and the full
    training loss at the end of each epoch; the right panel, the validation
    accuracy per epoch. Full-batch gradient descent at the same lr and the same
    number of samples seen is drawn in grey for comparison.

    Args:
        data: a :class:`~optim_lib.data.DigitsSplit`.
        batch_sizes: the choices of the batch-size control; None is full batch.
        lrs: the learning rates trained up front (increasing, positive).
        batch_size, lr: the controls' starting values.
        epochs: passes over the training set per run.
        reg, seed: regularization and seed (initial weights and minibatch order).
    """
    from .optimizers import SGD
    from .train import fit_linear_classifier

    lrs = tuple(_positive_grid("lrs", lrs))
    batch_sizes = tuple(batch_sizes)
    for b in batch_sizes:
        if b is not None and (isinstance(b, bool) or not isinstance(b, (int, np.integer))
                              or b < 1):
            raise ValueError(f"batch_sizes must hold positive integers or None, got {b!r}")
    if batch_size not in batch_sizes:
        raise ValueError(f"batch_size must be one of {batch_sizes}, got {batch_size!r}")
    if not lrs[0] <= lr <= lrs[-1]:
        raise ValueError(f"lr must be within lrs [{lrs[0]}, {lrs[-1]}], got {lr!r}")
    runs = {(b, v): fit_linear_classifier(SGD(v), data, epochs=epochs, batch_size=b, reg=reg,
                                          seed=seed)
            for b in batch_sizes for v in lrs}
    gd = {v: fit_linear_classifier(SGD(v), data, epochs=epochs, batch_size=None, reg=reg,
                                   seed=seed) for v in lrs}
    n = len(data.y_train)
    label = {b: "full batch" if b is None else f"batch {b}" for b in batch_sizes}
    color = plots.COLORS["SGD"]

    fig, (ax, ax_acc) = plots.figure(ncols=2, width=4.2, height=3.3)
    (noisy_line,) = ax.plot([], [], color=color, lw=0.7, alpha=0.45,
                            label="minibatch loss of each update")
    (epoch_line,) = ax.plot([], [], color=color, lw=2, marker="o", ms=4,
                            label="training loss after each epoch")
    (gd_line,) = ax.plot([], [], color="0.5", lw=1.5, ls="--", marker="s", ms=3,
                         label="full-batch GD, same samples seen")
    every = [v for r in runs.values() for v in r.losses + r.epoch_train_loss[1:]]
    ax.set(yscale="log", xlim=(0, epochs), ylim=(min(every) / 1.5, max(every) * 1.5),
           xlabel="samples seen (epochs)", ylabel="loss (log scale)")
    ax.legend(loc="upper right", fontsize=7)
    (acc_line,) = ax_acc.plot([], [], color=color, lw=2, marker="o", ms=4, label="SGD")
    (acc_gd,) = ax_acc.plot([], [], color="0.5", lw=1.5, ls="--", marker="s", ms=3,
                            label="full-batch GD")
    ax_acc.set(xlim=(0, epochs), ylim=(0, 100), xlabel="epochs",
               ylabel="validation accuracy (%)")
    ax_acc.legend(loc="lower right", fontsize=8)
    epoch_axis = np.arange(epochs + 1)

    def update(batch_size, lr):
        v = _snap(lr, lrs)
        r, g = runs[(batch_size, v)], gd[v]
        noisy_line.set_data(np.asarray(r.grad_evals) / n - 0.5 * (r.grad_evals[0] / n),
                            r.losses)
        epoch_line.set_data(epoch_axis[: len(r.epoch_train_loss)], r.epoch_train_loss)
        gd_line.set_data(epoch_axis[: len(g.epoch_train_loss)], g.epoch_train_loss)
        acc_line.set_data(epoch_axis[: len(r.val_acc)], 100 * np.asarray(r.val_acc))
        acc_gd.set_data(epoch_axis[: len(g.val_acc)], 100 * np.asarray(g.val_acc))
        ax.set_title(f"{label[batch_size]}, lr = {v:g}: {len(r.losses)} updates")
        ax_acc.set_title(f"validation accuracy {100 * r.val_acc[-1]:.1f}% "
                         f"(GD {100 * g.val_acc[-1]:.1f}%)")

    step = float(np.log10(lrs[1] / lrs[0]))
    return Explorer(fig, update, [choice("batch_size", batch_sizes, batch_size,
                                         description="batch size"),
                                  log_slider("lr", lrs[0], lrs[-1], lr, step=step)])


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
    from .landscapes import ill_conditioned_bowl
    from .optimizers import SGD

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
                                               description="lr × κ/2")])


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
    from .landscapes import noisy
    from .optimizers import SGD

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
                    dynamic=[path, curve, ax.title, ax_loss.title])


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

    explorer = Explorer(fig, update, [choice("landscape", tuple(landscapes), landscape),
                                      log_slider("factor", 1e-2, 1e2, factor, step=0.25,
                                                 description="lr × factor")])
    ax_loss.set_ylim(1e-16, 1e3)    # widest tick labels, so the frozen layout fits them all
    ax_loss.set_title("lr = tuned lr × 0.01\ndiverged: " + ", ".join(makers), fontsize=9)
    fig.set_layout_engine("constrained")   # lay out again for the widest labels, then freeze
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    explorer.update()
    return explorer


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
             title="effective bandwidth / np.copyto")
    ax_f.legend(loc="upper right")
    for ax in (ax_t, ax_f):
        ax.set_xticks(x, names, rotation=30)

    def update(parameters):
        rows = table[parameters]
        for bar, r in zip(bars_t, rows):
            bar.set_height(r.seconds / parameters * 1e9)
        for bar, r in zip(bars_f, rows):
            bar.set_height(r.fraction_of_copy)
        fig.suptitle(f"{parameters:,} float64 parameters ({parameters * 8 / 1e6:g} MB per array)",
                     fontsize=10)

    return Explorer(fig, update, [choice("parameters", sizes, sizes[-1])])
