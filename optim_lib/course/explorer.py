"""Explorers: a figure plus an ``update(**params)`` that redraws it, driven two ways.

* ``explorer.live()`` — ipywidgets sliders in a live kernel; every move calls
  ``update`` and shows the figure again.
* ``explorer.twin(sweep, values)`` — the kernel-free twin: the same ``update`` called
  at build time over a grid of every control's values, rendered into a player with one
  labelled slider per control (:func:`optim_lib.course.player.control_player`) that still
  works on the static site.
* ``explorer.show(sweep, values)`` — the one a chapter calls: the twin when the book's
  build executes the notebook (its kernels run with ``OPTIM_LIB_SITE=1``, set by
  ``_ext/parallel_execute.py``), the live sliders anywhere else (JupyterLab, nbval). So
  a learner sees one explorer in each place, and the build creates no widget at all.

Both go through the same ``update``, so what a reader sees on the website is
exactly what the sliders would show. ``update`` changes the data of existing
artists instead of plotting anew, so a redraw costs one render of the figure.
"""

from __future__ import annotations

import io
import os
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

#: "1" in the kernels of the book's build (``_ext/parallel_execute.py``); read here and by each
#: chapter's website reference cell, whose bibliography is output there only (tools/references.py).
SITE_BUILD = "OPTIM_LIB_SITE"

__all__ = ["Control", "Explorer", "LatestOnly", "float_slider", "log_slider", "int_slider", "choice",
           "nearest_index", "snap", "drawn_above"]


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
        widest: optionally, a function that puts the widest labels the figure will ever
            show (axis limits, titles) in place before the layout is frozen, so every
            later redraw fits; the figure is then drawn for the defaults again.
        static_key: optionally, with ``dynamic``, ``static_key(params)`` names the state of
            everything else (e.g. the problem whose colour scale the figure shows): one
            background is rendered and kept per key. Default: one background for all.

    ``dynamic=drawn_above(...)`` gives the same pixels as a full draw (tested per explorer
    in ``tests/test_explorer_blit.py``).
    """

    def __init__(self, fig, update: Callable[..., None], controls: list[Control],
                 dynamic: list | None = None, widest: Callable[[], None] | None = None,
                 static_key: Callable[[dict], Any] | None = None):
        self.fig = fig
        self._update = update
        self.controls = {c.name: c for c in controls}
        self._dynamic = list(dynamic) if dynamic else None
        self._static_key = static_key
        self._backgrounds = {}
        self._params = {}
        plt.close(fig)                       # shown only on demand, never by pyplot
        self._canvas = FigureCanvasAgg(fig)  # a canvas of its own, reused by every redraw
        self.update()
        if widest is not None:
            widest()
        # Lay the figure out once (the engine alone, no draw), then freeze it: re-running
        # the layout on every redraw (measuring every text) costs more than the new data.
        if fig.get_layout_engine() is not None:
            fig.get_layout_engine().execute(fig)
        fig.set_layout_engine("none")
        if widest is not None:
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
        self._params = {**self.defaults, **params}
        self._update(**self._params)

    def live(self):
        """The ipywidgets sliders with the figure below them (needs a live kernel).

        A dragged slider sends a value per pixel, faster than the figure redraws; each
        redraw takes the latest values only (:class:`LatestOnly`), so the figure never
        lags behind its slider.
        """
        import ipywidgets as w

        ctrls = {name: c.widget() for name, c in self.controls.items()}
        image = w.Image(value=self.render(), format="png")

        def redraw(**params):
            self.update(**params)
            image.value = self.render()

        latest = LatestOnly(redraw)
        for ctrl in ctrls.values():
            ctrl.observe(lambda _: latest(**{n: c.value for n, c in ctrls.items()}), names="value")
        return w.VBox([w.HBox(list(ctrls.values()), layout=w.Layout(flex_flow="row wrap")), image])

    def show(self, sweep: str | None = None, values=None, **twin_options):
        """The explorer for where the notebook runs: the kernel-free :meth:`twin` (called
        with these arguments) in the book's build, the :meth:`live` sliders elsewhere."""
        if os.environ.get(SITE_BUILD) == "1":
            return self.twin(sweep, values, **twin_options)
        return self.live()

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
        key = None if self._static_key is None else self._static_key(self._params)
        if key not in self._backgrounds:
            shown = [artist.get_visible() for artist in self._dynamic]
            # a hidden axes title would be moved out of the figure by the draw (Axes.draw
            # places titles from the visible ones): keep where the layout put them
            placed = [(t, t.get_position()) for t in self._dynamic if isinstance(t, Text)]
            for artist in self._dynamic:
                artist.set_visible(False)
            self._canvas.draw()
            self._backgrounds[key] = self._canvas.copy_from_bbox(self.fig.bbox)
            for artist, visible in zip(self._dynamic, shown):
                artist.set_visible(visible)
            for text, position in placed:
                text.set_position(position)
        self._canvas.restore_region(self._backgrounds[key])
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

    def twin(self, sweep: str | None = None, values=None, interval: int | None = None,
             grid: dict | None = None, max_frames: int = 24, **start):
        """Kernel-free twin: every control of :meth:`live`, on a static page.

        The same ``update`` is run at build time for every combination of a grid of
        each control's values, and the frames go into a small player
        (:func:`optim_lib.course.player.control_player`): one labelled slider (or menu, for a
        choice) per control, each showing its current value. No kernel, no network.

        Args:
            sweep: the control listed first; its grid is ``values`` (default: its own
                :meth:`Control.sweep`). Default: the first control.
            values: the grid of ``sweep``.
            interval: if given, a Play button steps ``sweep`` every ``interval`` ms.
            grid: optionally ``{control: values}`` for other controls.
            max_frames: the grids of the other sliders get as many points (2 to 5, plus
                the starting value) as keep the number of frames near this.
            **start: the value each control starts at (default: the explorer's
                defaults; a slider's grid gets its starting value added).
        """
        from . import player

        names = list(self.controls)
        sweep = names[0] if sweep is None else sweep
        if sweep not in self.controls:
            raise ValueError(f"sweep must name a control of this explorer {sorted(self.controls)}, "
                             f"got {sweep!r}")
        grid = dict(grid or {})
        unknown = (set(grid) | set(start)) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; this explorer has "
                             f"{sorted(self.controls)}")
        if values is not None:
            grid[sweep] = list(values)
        begin = {**self.defaults, **start}
        order = [sweep] + [n for n in names if n != sweep]
        fixed = {n: list(grid[n]) for n in order if n in grid}
        fixed.update({n: list(c.options) for n, c in self.controls.items()
                      if c.kind == "choice" and n not in fixed})
        free = [n for n in order if n not in fixed]
        base = int(np.prod([len(v) for v in fixed.values()])) if fixed else 1
        per = 5
        while per > 2 and base * (per + 1) ** len(free) > max_frames:
            per -= 1
        grids = {}
        for name in order:
            c = self.controls[name]
            if name in fixed:
                grids[name] = fixed[name]
            else:
                points = c.sweep(per) + [begin[name]]
                grids[name] = sorted(set(points), key=float)
            if not any(_close(v, begin[name]) for v in grids[name]):
                # start where the live slider starts, or as near as the grid allows
                begin[name] = grids[name][_nearest(grids[name], begin[name], c.kind)]
            else:
                begin[name] = next(v for v in grids[name] if _close(v, begin[name]))

        def render(params):      # as render() draws it, without the PNG round trip
            self.update(**params)
            if self._dynamic is None:
                self._canvas.draw()
            else:
                self._draw_dynamic()
            return np.asarray(self._canvas.buffer_rgba())[..., :3].copy()

        controls = [dict(name=n, values=grids[n], kind=self.controls[n].kind,
                         label=self.controls[n].description or n) for n in order]
        html = player.control_player(render, lambda: player.describe(self.fig), controls,
                                     start=begin, interval=interval)
        self.update(**{n: begin[n] for n in order})
        from IPython.display import HTML
        return HTML(html)


def drawn_above(*artists) -> list:
    """``artists`` and all their axes draw at or above the lowest of them (spines, legend,
    titles), in drawing order. As an :class:`Explorer`'s ``dynamic``, a redraw paints what
    a full draw paints; tick labels (``Axis``, outside the data area) stay in the background.
    """
    out = []
    for ax in dict.fromkeys(a.axes for a in artists if a.axes is not None):
        lowest = min(a.get_zorder() for a in artists if a.axes is ax)
        # Axes.draw: the children sorted (stably) by zorder, the patch and Axis apart
        children = [c for c in ax.get_children() if c is not ax.patch and not isinstance(c, Axis)]
        out += [c for c in sorted(children, key=lambda c: c.get_zorder())
                if c.get_zorder() >= lowest]
    return out + [a for a in artists if a.axes is None and a not in out]


def _close(a, b) -> bool:
    if isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number)):
        return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=0))
    return a == b


def _nearest(grid, value, kind) -> int:
    if kind == "choice" or not isinstance(value, (int, float, np.number)):
        return 0
    g = np.asarray(grid, dtype=float)
    if kind == "log" and value > 0 and np.all(g > 0):
        return int(np.argmin(np.abs(np.log(g) - np.log(value))))
    return int(np.argmin(np.abs(g - value)))


def nearest_index(grid, value):
    """Index of the grid value closest to ``value`` on a log scale."""
    return int(np.argmin(np.abs(np.log(grid) - np.log(value))))


def snap(value, grid):
    """The element of ``grid`` nearest to ``value`` on a log scale."""
    return float(grid[nearest_index(grid, value)])


class LatestOnly:
    """Call ``fn`` with the latest arguments only, ``wait`` seconds after the first call
    of a burst (the throttling recipe of the ipywidgets documentation).

    In a kernel, slider messages that arrive while a redraw is scheduled replace each
    other's arguments instead of queueing a redraw each; without a running event loop
    (a plain script), every call runs at once.
    """

    def __init__(self, fn: Callable, wait: float = 0.03):
        self.fn, self.wait = fn, wait
        self.pending: dict | None = None
        self.scheduled = False

    def __call__(self, **kwargs) -> None:
        import asyncio

        self.pending = kwargs
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        if not self.scheduled:
            self.scheduled = True
            loop.call_later(self.wait, self.flush)

    def flush(self) -> None:
        """Run ``fn`` with the latest arguments, if any are waiting."""
        self.scheduled = False
        kwargs, self.pending = self.pending, None
        if kwargs is not None:
            self.fn(**kwargs)
