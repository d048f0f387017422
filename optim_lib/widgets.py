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

from dataclasses import dataclass
from typing import Any, Callable

import matplotlib.pyplot as plt
import numpy as np

from . import plots
from .train import run_landscape

__all__ = ["Control", "Explorer", "float_slider", "log_slider", "int_slider", "choice",
           "trajectory_explorer", "random_search_explorer"]


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
    """

    def __init__(self, fig, update: Callable[..., None], controls: list[Control]):
        self.fig = fig
        self._update = update
        self.controls = {c.name: c for c in controls}
        plt.close(fig)
        self.update()

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
        from IPython.display import display

        ctrls = {name: c.widget() for name, c in self.controls.items()}

        def show(**params):
            self.update(**params)
            display(self.fig)

        out = w.interactive_output(show, ctrls)
        return w.VBox([w.HBox(list(ctrls.values()), layout=w.Layout(flex_flow="row wrap")), out])

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
    ax.legend(loc="upper right", framealpha=0.9)
    ax_loss.set(yscale="log", xlim=(0, steps), xlabel="step",
                ylabel=r"$f - f^\star$ (log scale)", title="distance to the minimum value")
    f_star = landscape.min_value

    def update(**params):
        status = []
        lo, hi = np.inf, 0.0
        for label, make in methods.items():
            run = run_landscape(make(**params), landscape, steps=steps)
            lines[label].set_data(run.path[:, 0], run.path[:, 1])
            gap = np.maximum(run.losses - f_star, 1e-16)
            curves[label].set_data(np.arange(len(gap)), gap)
            lo, hi = min(lo, gap.min()), max(hi, gap.max())
            status.append(f"{label}: diverged at step {run.diverged_at}" if run.diverged
                          else f"{label}: f − f* = {gap[-1]:.1e}")
        ax_loss.set_ylim(max(lo / 3, 1e-16), hi * 3)
        shown = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in params.items())
        fig.suptitle(f"{shown}\n" + " · ".join(status), fontsize=9)

    return Explorer(fig, update, controls)


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
        ax.set_title(f"scale of W = {scale:g}: best loss after {tries} tries = "
                     f"{r.best_so_far[tries - 1]:.3f} (grey: other scales)")

    return Explorer(fig, update, [int_slider("tries", 1, max_tries, max_tries),
                                  choice("scale", scales, scale, description="scale of W")])
