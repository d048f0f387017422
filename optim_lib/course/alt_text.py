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
    from IPython.core.pylabtools import print_figure
    from PIL import Image, PngImagePlugin

    text = describe(fig)
    png = print_figure(fig, "png", bbox_inches="tight", base64=False,
                       metadata={"Description": text})
    image = Image.open(io.BytesIO(png))
    rgba = np.asarray(image.convert("RGBA"))
    if not np.all(rgba[..., 3] == 255):
        return png                                   # transparent parts: keep as drawn
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", text)
    out = io.BytesIO()
    Image.fromarray(rgba[..., :3]).quantize(colors, dither=Image.Dither.NONE).save(
        out, format="png", optimize=True, pnginfo=info)
    return out.getvalue() if len(out.getvalue()) < len(png) else png


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
