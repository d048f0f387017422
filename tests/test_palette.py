"""One colour per optimizer that no two share, a second cue besides colour (optim_lib.course.plots).

Colours are compared in CIELAB (CIE76 distance), as a reader with normal colour vision and
as readers with deuteranopia and protanopia see them (Machado, Oliveira & Fernandes 2009,
severity 1.0, applied in linear RGB). The checker is shown to reject a palette in which two
optimizers share a near-identical hue, as the race's teal and orange pairs once did.
"""

import itertools
import json
import re
from pathlib import Path

import numpy as np
import pytest

from optim_lib.course import plots

RACE = ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdamW"]
# The palette has eight colours and the book more optimizers, so colours repeat across the book;
# the rule is per chapter: the methods a chapter draws (by its notebook and the explorers it uses)
# never share a colour. GD is SGD on the full batch: the same method, one colour and one style.
SAME_METHOD = {"GD": "SGD"}
SIX = {"SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"}
DRAWN = {
    "01_random_search": {"Random search"},
    "02_numeric_gradient": {"Numeric gradient"},
    "04_gradient_descent": {"GD"},
    "05_sgd": {"GD", "SGD"},
    "06_momentum": {"SGD", "Momentum"},
    "07_nesterov": {"Momentum", "Nesterov"},
    "08_adagrad": {"SGD", "AdaGrad"},
    "09_rmsprop": {"RMSProp"},
    "10_adam": {"Adam"},
    "11_which_optimizer": SIX,
    "12_neural_network": SIX,
    "13_adamw": {"Adam", "AdamW"},
    "14_schedules": {"Adam"},
    "15_after_adamw": {"Adam", "Lion", "Muon"},       # Muon: the Newton-Schulz explorer
}
CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def colour_clashes(colors: dict, drawn: dict) -> list:
    """(chapter, a, b) for every two different methods drawn in one chapter with one colour."""
    out = []
    for chapter, names in drawn.items():
        methods = sorted({SAME_METHOD.get(n, n) for n in names})
        out += [(chapter, a, b) for a, b in itertools.combinations(methods, 2)
                if colors[a].lower() == colors[b].lower()]
    return out


def style_clashes(styles: dict) -> list:
    """(a, b) for every two different methods with the same (line style, marker) pair, or the
    same marker."""
    names = [n for n in styles if n not in SAME_METHOD]
    return [(a, b) for a, b in itertools.combinations(names, 2)
            if str(styles[a]) == str(styles[b]) or styles[a][1] == styles[b][1]]
# A just-noticeable difference is ~2.3. Okabe-Ito's eight colours include two blues and two
# oranges (26 and 33 apart): they pass with the line style and marker as the second cue.
MIN_DELTA_E = {None: 25.0, "deuteranopia": 15.0, "protanopia": 15.0}

MACHADO = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}


def _linear(hex_color):
    rgb = np.array([int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb):
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(linear_rgb, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest_pair(colors: dict, vision: str | None = None):
    """The two names whose colours are closest, and their CIE76 distance."""
    def seen(c):
        lin = _linear(c)
        return _lab(MACHADO[vision] @ lin if vision else lin)
    pairs = [(np.linalg.norm(seen(colors[a]) - seen(colors[b])), a, b)
             for a, b in itertools.combinations(colors, 2)]
    return min(pairs)


@pytest.mark.parametrize("vision", [None, "deuteranopia", "protanopia"])
def test_no_two_optimizers_look_alike(vision):
    colors = {name: plots.COLORS[name] for name in RACE}
    d, a, b = closest_pair(colors, vision)
    assert d >= MIN_DELTA_E[vision], f"{a} and {b} are {d:.1f} apart ({vision or 'normal vision'})"


def test_the_checker_rejects_lookalikes():
    # matplotlib's default red and green, as a deuteranope sees them; its orange and green, as
    # a protanope does; a blue beside a slightly greener twin, for everyone.
    assert closest_pair({"a": "#D62728", "b": "#2CA02C"}, "deuteranopia")[0] < 15
    assert closest_pair({"a": "#FF7F0E", "b": "#2CA02C"}, "protanopia")[0] < 15
    assert closest_pair({"a": "#0072B2", "b": "#0079B0"})[0] < 25
    # ... and the same pairs pass where they are distinct
    assert closest_pair({"a": "#D62728", "b": "#2CA02C"})[0] > 100


def test_colour_is_never_the_only_cue():
    cues = [plots.STYLES[name] for name in RACE]
    assert len({str(ls) for ls, _ in cues}) >= 6, "line styles"
    assert len({m for _, m in cues}) == len(RACE), "every optimizer has a marker of its own"
    for name in RACE:
        style = plots.style_of(name)
        assert style["color"] == plots.COLORS[name] and style["marker"] == plots.STYLES[name][1]


def test_labels_and_instances_find_their_style():
    from optim_lib import Adam
    assert plots.style_of("Adam, lr = 0.01") == plots.style_of(Adam(lr=0.1))
    assert plots.style_of("AdamW")["marker"] != plots.style_of("Adam")["marker"]
    assert set(plots.style_of("something else")) == {"color"}


def test_no_two_methods_drawn_in_one_chapter_share_a_colour():
    assert colour_clashes(plots.COLORS, DRAWN) == []
    for a, b in SAME_METHOD.items():            # one method under two names: one look
        assert plots.COLORS[a] == plots.COLORS[b] and plots.STYLES[a] == plots.STYLES[b]


@pytest.mark.parametrize("vision", [None, "deuteranopia", "protanopia"])
def test_the_methods_of_each_chapter_look_apart(vision):
    for chapter, names in DRAWN.items():
        methods = sorted({SAME_METHOD.get(n, n) for n in names})
        if len(methods) > 1:
            d, a, b = closest_pair({n: plots.COLORS[n] for n in methods}, vision)
            assert d >= MIN_DELTA_E[vision], f"{chapter}: {a} and {b} are {d:.1f} apart"


def test_every_pair_of_line_style_and_marker_is_its_own():
    assert style_clashes(plots.STYLES) == []
    assert set(plots.STYLES) == set(plots.COLORS)


def test_the_checkers_reject_a_made_up_clash():
    # chapter 15 drawing Lion in Adam's black; Muon given Nesterov's dash-dot and triangle
    colors = {**plots.COLORS, "Lion": plots.COLORS["Adam"]}
    assert colour_clashes(colors, DRAWN) == [("15_after_adamw", "Adam", "Lion")]
    assert colour_clashes(colors, {"10_adam": {"Adam"}}) == []      # apart, they may share
    styles = {**plots.STYLES, "Muon": plots.STYLES["Nesterov"]}
    assert style_clashes(styles) == [("Nesterov", "Muon")]
    styles = {**plots.STYLES, "Lion": ("--", plots.STYLES["Adam"][1])}   # same marker only
    assert style_clashes(styles) == [("Adam", "Lion")]


def test_the_drawn_lists_cover_every_name_a_chapter_styles():
    """A method a chapter names in style_of/color_of must be in its DRAWN list."""
    for chapter, names in DRAWN.items():
        nb = json.loads((CHAPTERS / f"{chapter}.ipynb").read_text())
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        used = set(re.findall(r'(?:style_of|color_of)\("([^"]+)"', code))
        known = {plots._known(u) for u in used} - {None}
        assert known <= names, f"{chapter} draws {sorted(known - names)}, not in DRAWN"
