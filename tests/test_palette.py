"""One colour per optimizer that no two share, a second cue besides colour (optim_lib.course.plots).

Colours are compared in CIELAB (CIE76 distance), as a reader with normal colour vision and
as readers with deuteranopia and protanopia see them (Machado, Oliveira & Fernandes 2009,
severity 1.0, applied in linear RGB). The checker is shown to reject a palette in which two
optimizers share a near-identical hue, as the race's teal and orange pairs once did.
"""

import itertools

import numpy as np
import pytest

from optim_lib.course import plots

RACE = ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdamW"]
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
