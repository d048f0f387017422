"""Alt text for every figure: what a figure says, as text, for readers who cannot see it.

:func:`describe` turns a matplotlib figure into alt text (its titles, axis labels and
legend entries); the kernel-free player (:mod:`optim_lib.course.player`) gives every frame its
own, and :func:`install_figure_alt` makes every figure a notebook displays carry one (in
the PNG's ``Description`` text chunk, which the site extension ``_ext/figure_alt.py`` turns
into the ``alt`` attribute).
"""

from __future__ import annotations

import io
import re

import numpy as np

__all__ = ["describe", "figure_png", "install_figure_alt"]

_TEX = {"star": "*", "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
        "varepsilon": "ε", "eta": "η", "kappa": "κ", "lambda": "λ", "mu": "μ", "rho": "ρ",
        "sigma": "σ", "theta": "θ", "nabla": "∇", "times": "×", "cdot": "·", "leq": "≤",
        "geq": "≥", "approx": "≈", "infty": "∞", "sqrt": "√", "ell": "ℓ"}


def _clean(text: str) -> str:
    """Plain text from a matplotlib label: no TeX dollars or backslashes, one line."""
    if "$" in text:
        text = re.sub(r"\\(mathrm|mathbf|mathit|text|operatorname)\{([^}]*)\}", r"\2", text)
        text = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX.get(m.group(1), m.group(1)), text)
        text = text.replace("$", "").replace("^", "").replace("_", "")
        text = text.replace("{", "").replace("}", "").replace("\\", "")
    return " ".join(text.split())


def describe(fig, limit: int = 600) -> str:
    """Alt text for a matplotlib figure, built from what the figure itself says.

    The title of the figure, then per visible panel its title, what is plotted against
    what (axis labels) and the legend's entries. Falls back to the number of panels
    when the figure says nothing.
    """
    parts = []
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and _clean(sup.get_text()):
        parts.append(_clean(sup.get_text()))
    axes = [ax for ax in fig.axes if ax.get_visible()]
    shown = []
    for ax in axes:
        bits = []
        title = " ".join(_clean(ax.get_title(loc)) for loc in ("left", "center", "right")).strip()
        if title:
            bits.append(title)
        if ax.axison:
            xl, yl = _clean(ax.get_xlabel()), _clean(ax.get_ylabel())
            if xl or yl:
                bits.append(f"{yl or 'value'} against {xl or 'position'}")
        legend = ax.get_legend()
        if legend is not None:
            labels = [_clean(t.get_text()) for t in legend.get_texts() if _clean(t.get_text())]
            if labels:
                bits.append("lines: " + ", ".join(labels))
        if bits:
            shown.append(bits)
    for i, bits in enumerate(shown):
        prefix = f"panel {i + 1} of {len(shown)}: " if len(shown) > 1 else ""
        parts.append(prefix + "; ".join(bits))
    for legend in getattr(fig, "legends", []):
        labels = [_clean(t.get_text()) for t in legend.get_texts() if _clean(t.get_text())]
        if labels:
            parts.append("legend: " + ", ".join(labels))
    texts = [_clean(t.get_text()) for t in fig.texts
             if t is not sup and _clean(t.get_text())]
    if texts:
        parts.append(", ".join(texts))
    if not parts:
        n = len(axes)
        parts.append(f"a figure with {n} panel{'s' if n != 1 else ''}")
    text = "Figure: " + ". ".join(parts)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"



def figure_png(fig, colors: int = 256) -> bytes:
    """The figure as the notebook shows it (tight box, its own dpi and face colour), with
    its :func:`describe` text in the PNG's ``Description`` chunk; an opaque figure is
    stored with a palette of ``colors`` colours (a third of the bytes, no visible change)."""
    from PIL import Image, PngImagePlugin

    text = describe(fig)
    rgba = _tight_pixels(fig)
    if rgba is None:          # something lies outside the figure: matplotlib widens the box
        rgba = _tight_save(fig)
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", text)
    out = io.BytesIO()
    if np.all(rgba[..., 3] == 255):
        Image.fromarray(rgba[..., :3]).quantize(colors, dither=Image.Dither.NONE).save(
            out, format="png", pnginfo=info)
    else:                                            # transparent parts: keep as drawn
        Image.fromarray(rgba).save(out, format="png", pnginfo=info)
    return out.getvalue()


def _tight_save(fig) -> np.ndarray:
    """RGBA pixels of matplotlib's tight save (as IPython shows a figure), with the layout
    as it stands: a layout engine run again can move a legend that sits outside the axes."""
    from IPython.core.pylabtools import print_figure
    from PIL import Image

    engine = fig.get_layout_engine()
    fig.set_layout_engine("none")
    try:
        png = print_figure(fig, "png", bbox_inches="tight", base64=False,
                           pil_kwargs={"compress_level": 0})
    finally:
        fig.set_layout_engine(engine)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _tight_pixels(fig) -> np.ndarray | None:
    """The figure drawn once on its Agg canvas, cut to its tight box padded as savefig pads
    it (``savefig.pad_inches``, in the figure's face colour): RGBA pixels, or None when the
    canvas is not Agg or something is drawn outside the figure.

    ``savefig(bbox_inches="tight")`` draws the figure twice, running its layout engine each
    time, to find that box; cutting it from one draw takes a third less time.
    """
    from matplotlib import rcParams
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        return None
    canvas.draw()
    box = fig.get_tightbbox(canvas.get_renderer())
    width, height = fig.get_size_inches()
    if box.x0 < 0 or box.y0 < 0 or box.x1 > width or box.y1 > height:
        return None
    box = box.padded(rcParams["savefig.pad_inches"])
    dpi, pixels = fig.dpi, np.asarray(canvas.buffer_rgba())
    left, right = round(box.x0 * dpi), round(box.x1 * dpi)
    top, bottom = round((height - box.y1) * dpi), round((height - box.y0) * dpi)
    face = np.round(255 * np.asarray(fig.get_facecolor())).astype(np.uint8)
    out = np.empty((bottom - top, right - left, 4), dtype=np.uint8)
    out[...] = face
    rows, cols = slice(max(top, 0), min(bottom, pixels.shape[0])), \
        slice(max(left, 0), min(right, pixels.shape[1]))
    out[rows.start - top:rows.stop - top, cols.start - left:cols.stop - left] = pixels[rows, cols]
    return out


def _register(shell) -> None:
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    try:
        current = formatter.lookup_by_type(Figure)
    except KeyError:          # no printer yet (e.g. MPLBACKEND=Agg: no inline backend)
        current = None
    if current is not _png_with_alt:
        formatter.for_type(Figure, _png_with_alt)


def _png_with_alt(fig):
    return figure_png(fig), {"alt": describe(fig)}


_installed = False


def install_figure_alt() -> None:
    """Make every matplotlib figure this IPython kernel displays carry its alt text.

    Registers a PNG formatter for figures (again before every cell, since
    ``%matplotlib inline`` registers its own), and removes pyplot's after-cell redraw
    (the inline backend draws each figure it shows). Does nothing outside IPython.
    """
    global _installed
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    try:   # let the inline backend register its formatter first, then override it
        import matplotlib_inline.backend_inline  # noqa: F401
    except ImportError:
        pass
    _register(shell)
    if not _installed:
        shell.events.register("pre_run_cell", lambda *_: _register(shell))
        # pyplot's own after-cell hook redraws every open figure before the inline backend
        # draws and shows it: each figure was drawn twice (about a second per chapter).
        import matplotlib.pyplot as plt

        plt.uninstall_repl_displayhook()
        _installed = True
