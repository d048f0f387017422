"""The kernel-free player: every control of an explorer on a static page.

On the website there is no kernel, so an explorer cannot recompute when a slider moves.
:func:`control_player` therefore runs the explorer's own ``update`` at build time over a
grid of every control's values, renders one frame per combination, and writes a small
self-contained HTML player: one labelled ``<input type=range>`` (a slider) or ``<select>``
(a choice) per control, an ``<output>`` showing each control's current value, and an
``<img>`` that a few lines of inline JavaScript swap from a frame table keyed by the
controls' positions. No CDN, no ipywidgets state, no second implementation of anything:
every frame is what the live sliders would show at that setting.

Every frame gets its own alt text from :func:`optim_lib.course.alt_text.describe`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import re
from typing import Any, Callable, Sequence

import numpy as np

from .alt_text import describe, figure_png, install_figure_alt  # noqa: F401 (re-exported)

__all__ = ["describe", "compress_png", "control_player", "format_value", "install_figure_alt",
           "player_data",
           "figure_png"]

# Frames are stored as palette PNGs: a line plot has few colours, and 128 of them keep
# contour shading smooth at a third of the size of a full-colour PNG.
PALETTE_COLORS = 128
OVERLAY_COLORS = 64
# zlib level of the player's PNGs: level 9 takes 2.4 times as long for 1.6% fewer bytes.
COMPRESS_LEVEL = 8
_counter = itertools.count()


def compress_png(png: bytes, colors: int = PALETTE_COLORS) -> bytes:
    """``png`` re-encoded as a palette PNG of at most ``colors`` colours (no dithering)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors, dither=Image.Dither.NONE).save(out, format="png", optimize=True)
    return out.getvalue()


def _decode(png) -> np.ndarray:
    """RGB pixels from PNG bytes (or from an RGB/RGBA array, as a canvas gives it)."""
    from PIL import Image

    if isinstance(png, np.ndarray):
        return np.ascontiguousarray(png[..., :3])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _encode(rgb: np.ndarray, colors: int = PALETTE_COLORS) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(rgb).quantize(colors, dither=Image.Dither.NONE).save(
        out, format="png", compress_level=COMPRESS_LEVEL)
    return out.getvalue()


def overlay_png(frame: np.ndarray, base: np.ndarray, colors: int = OVERLAY_COLORS) -> bytes:
    """The pixels where ``frame`` differs from ``base``, on a transparent PNG.

    Drawn over ``base``, it shows ``frame`` (up to a palette of ``colors`` colours for the
    changed pixels). A redraw of an explorer changes its paths and titles, not its
    contours: an overlay weighs a fifth of a full frame.
    """
    from PIL import Image

    if frame.shape != base.shape:
        raise ValueError(f"every frame must have the size of the first, got {frame.shape} "
                         f"and {base.shape}")
    # per colour plane: a sixth of the time of np.any(frame != base, axis=2)
    changed = (frame[..., 0] != base[..., 0]) | (frame[..., 1] != base[..., 1]) \
        | (frame[..., 2] != base[..., 2])
    key = colors - 1                               # the last palette entry is transparent
    index = np.full(changed.shape, key, dtype=np.uint8)
    if changed.any():
        # the palette of the changed pixels, and each of them mapped to it
        strip = Image.fromarray(frame[changed][None, :, :])
        palette = strip.quantize(key, dither=Image.Dither.NONE)
        index[changed] = np.asarray(strip.quantize(palette=palette, dither=Image.Dither.NONE))[0]
        colours = (palette.getpalette() or [])[: 3 * key]
        colours += [0] * (3 * key - len(colours))
    else:
        colours = [0] * (3 * key)
    image = Image.fromarray(index, "P")
    image.putpalette(colours + [255, 0, 255])
    out = io.BytesIO()
    image.save(out, format="png", compress_level=COMPRESS_LEVEL, transparency=key)
    return out.getvalue()


def format_value(value: Any, kind: str = "float") -> str:
    """A control's value as the live slider's readout shows it."""
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, str):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}" if abs(int(value)) >= 10_000 else str(int(value))
    if isinstance(value, (float, np.floating)):
        return format(float(value), ".2g" if kind == "log" else ".3g")
    return str(value)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


_SCRIPT = """(function () {
  var root = document.currentScript.parentElement;
  var d = JSON.parse(root.querySelector("script.ol-data").textContent);
  var img = root.querySelector("img.ol-img");
  var inputs = Array.prototype.slice.call(root.querySelectorAll("[data-ol-control]"));
  function show() {
    var k = 0;
    inputs.forEach(function (el, i) {
      var v = parseInt(el.value, 10);
      k += v * d.strides[i];
      var text = d.values[i][v];
      root.querySelector('output[for="' + el.id + '"]').textContent = text;
      if (el.type === "range") { el.setAttribute("aria-valuetext", text); }
    });
    var f = d.index[k];
    img.src = d.frames[f];
    img.alt = d.alts[f];
  }
  inputs.forEach(function (el) {
    el.addEventListener("input", show);
    el.addEventListener("change", show);
  });
  var play = root.querySelector("button.ol-play");
  if (play) {
    var timer = null, first = inputs[0];
    play.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; play.textContent = "\\u25b6 Play"; return; }
      play.textContent = "\\u275a\\u275a Pause";
      if (+first.value >= +first.max) { first.value = 0; show(); }
      timer = setInterval(function () {
        if (+first.value >= +first.max) { clearInterval(timer); timer = null;
          play.textContent = "\\u25b6 Play"; return; }
        first.value = +first.value + 1; show();
      }, d.interval);
    });
  }
})();"""


def control_player(render: Callable[[dict], bytes], alt: Callable[[], str],
                   controls: Sequence[dict], start: dict | None = None, *,
                   interval: int | None = None, caption: str | None = None,
                   wide: bool | None = None) -> str:
    """The HTML of a kernel-free player over every combination of the controls' values.

    Args:
        render: ``render(params) -> PNG bytes`` (or an RGB(A) pixel array): draws the
            figure for one setting of every control (the explorer's own ``update``).
        alt: called right after each ``render``; the alt text of that frame
            (e.g. ``lambda: describe(fig)``).
        controls: one dict per control, in order: ``name``, ``values`` (the grid),
            optional ``label`` (the text of its ``<label>``), ``kind`` ("float", "log",
            "int" or "choice": a choice becomes a ``<select>``, the rest sliders).
        start: the value of each control shown first (default: each grid's first value).
        interval: if given, a Play button steps the first control every ``interval`` ms.
        caption: optional text under the player.
        wide: mark the frame as wide (its own horizontal scroll on a phone); default:
            frames wider than 500 pixels.

    Returns the HTML as a string; nothing in it is fetched from the network.
    """
    controls = [dict(c) for c in controls]
    if not controls:
        raise ValueError("controls must hold at least one control, got none")
    for c in controls:
        values = list(c.get("values", []))
        if not values:
            raise ValueError(f"control {c.get('name')!r} must have at least one value in its grid")
        c["values"] = values
        c.setdefault("label", c["name"])
        c.setdefault("kind", "float")
    start = dict(start or {})
    unknown = set(start) - {c["name"] for c in controls}
    if unknown:
        raise ValueError(f"start names unknown control(s) {sorted(unknown)}")
    positions = []
    for c in controls:
        if c["name"] in start:
            hits = [i for i, v in enumerate(c["values"]) if _same(v, start[c["name"]])]
            if not hits:
                raise ValueError(f"start value {start[c['name']]!r} of {c['name']!r} is not in "
                                 f"its grid {c['values']}")
            positions.append(hits[0])
        else:
            positions.append(0)

    sizes = [len(c["values"]) for c in controls]
    strides = [int(np.prod(sizes[i + 1:])) for i in range(len(sizes))]
    pictures, texts = [], []
    for combo in itertools.product(*[range(n) for n in sizes]):
        params = {c["name"]: c["values"][i] for c, i in zip(controls, combo)}
        pictures.append(_decode(render(params)))
        texts.append(alt())
    first = sum(p * s for p, s in zip(positions, strides))
    # The first frame shown is the base picture; every frame is stored as what it
    # changes over it (a transparent overlay), each distinct one once.
    base = pictures[first]
    frames, alts, index, seen = [], [], [], {}
    for picture, text in zip(pictures, texts):
        png = overlay_png(picture, base)
        key = (hashlib.sha1(png).hexdigest(), text)
        if key not in seen:
            seen[key] = len(frames)
            frames.append(_data_uri(png))
            alts.append(text)
        index.append(seen[key])
    base_uri = _data_uri(_encode(base))
    height, width = base.shape[:2]
    uid = f"olp{next(_counter)}-{hashlib.sha1(base_uri.encode()).hexdigest()[:6]}"
    wide = width > 500 if wide is None else wide
    data = {"frames": frames, "alts": alts, "index": index, "strides": strides,
            "values": [[format_value(v, c["kind"]) for v in c["values"]] for c in controls],
            "interval": int(interval or 0)}

    rows = []
    for i, (c, pos) in enumerate(zip(controls, positions)):
        cid = f"{uid}-c{i}"
        label = html.escape(str(c["label"]))
        shown = html.escape(data["values"][i][pos])
        if c["kind"] == "choice":
            options = "".join(
                f'<option value="{j}"{" selected" if j == pos else ""}>{html.escape(v)}</option>'
                for j, v in enumerate(data["values"][i]))
            widget = f'<select id="{cid}" data-ol-control>{options}</select>'
        else:
            widget = (f'<input type="range" id="{cid}" data-ol-control min="0" '
                      f'max="{len(c["values"]) - 1}" step="1" value="{pos}" '
                      f'aria-valuetext="{shown}">')
        rows.append(f'<div class="ol-control"><label for="{cid}">{label}</label>{widget}'
                    f'<output for="{cid}">{shown}</output></div>')
    if interval:
        rows.insert(0, '<button type="button" class="ol-play">\u25b6 Play</button>')
    cap = f'<p class="ol-caption">{html.escape(caption)}</p>' if caption else ""
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return (f'<figure class="ol-player" id="{uid}">'
            f'<div class="ol-frame{" ol-wide" if wide else ""}"><div class="ol-stack">'
            f'<img class="ol-base" src="{base_uri}" alt="" aria-hidden="true" '
            f'width="{width}" height="{height}">'
            f'<img class="ol-img" src="{frames[index[first]]}" '
            f'alt="{html.escape(alts[index[first]])}" width="{width}" height="{height}">'
            f'</div></div>'
            f'<div class="ol-controls">{"".join(rows)}</div>{cap}'
            f'<script type="application/json" class="ol-data">{payload}</script>'
            f"<script>{_SCRIPT}</script></figure>")


def _same(a, b) -> bool:
    if isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=0))
    return a == b


def player_data(html_text: str) -> dict:
    """The frame table of a player's HTML (``frames``, ``alts``, ``index``, ``values``...),
    for tests and tools."""
    text = getattr(html_text, "data", html_text)
    match = re.search(r'<script type="application/json" class="ol-data">(.*?)</script>', text, re.S)
    if match is None:
        raise ValueError("no player data in this HTML")
    return json.loads(match.group(1).replace("<\\/", "</"))
