"""The kernel-free player (optim_lib.course.player): frame table, controls, alt text.

The player's behaviour in a browser (every control changes the picture) is tested on the
built site in tests/site."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from optim_lib.course import plots  # noqa: E402
from optim_lib.course.player import (compress_png, control_player, describe, figure_png,  # noqa: E402
                              format_value, player_data)


def _line_figure():
    fig, (ax,) = plots.figure()
    (line,) = ax.plot([0, 1], [0, 1], label="SGD")
    ax.set(xlabel="step", ylabel="$f - f^\\star$", title="distance to the minimum")
    ax.legend()
    fig.suptitle("a bowl")
    return fig, ax, line


def _player(fig, ax, line, calls):
    def render(params):
        calls.append(dict(params))
        line.set_ydata([0, params["a"] * (2 if params["b"] == "x" else -1)])
        ax.set_title(f"a={params['a']}, b={params['b']}")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()

    controls = [dict(name="a", values=[1, 2, 3], kind="int", label="the a"),
                dict(name="b", values=["x", "y"], kind="choice")]
    return control_player(render, lambda: describe(fig), controls, start={"a": 2, "b": "y"})


def test_every_combination_is_rendered_once_and_indexed_in_mixed_radix():
    fig, ax, line = _line_figure()
    calls = []
    html = _player(fig, ax, line, calls)
    assert calls == [{"a": a, "b": b} for a in (1, 2, 3) for b in ("x", "y")]
    data = player_data(html)
    assert data["strides"] == [2, 1]
    assert data["values"] == [["1", "2", "3"], ["x", "y"]]
    # frame k of the table shows the combination k (each picture differs here)
    assert len(data["frames"]) == 6 and len(set(data["frames"])) == 6
    for k, (a, b) in enumerate((a, b) for a in (1, 2, 3) for b in ("x", "y")):
        assert f"a={a}, b={b}" in data["alts"][data["index"][k]]
    # the page opens on the start setting a=2, b=y (flat index 1*2 + 1 = 3)
    start = data["frames"][data["index"][3]]
    assert f'src="{start}"' in html
    assert 'value="1"' in html and '<option value="1" selected>y</option>' in html


def test_controls_are_labelled_and_show_their_value():
    fig, ax, line = _line_figure()
    html = _player(fig, ax, line, [])
    assert '<label for="' in html and ">the a</label>" in html and ">b</label>" in html
    assert 'type="range"' in html and "<select" in html
    assert html.count("<output for=") == 2
    assert 'aria-valuetext="2"' in html
    assert "://" not in html.replace("data:image", "")          # nothing from the network


def test_identical_frames_are_stored_once():
    fig, ax, line = _line_figure()

    def render(params):
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()

    data = player_data(control_player(render, lambda: "same",
                                      [dict(name="a", values=[1, 2, 3, 4], kind="int")]))
    assert len(data["frames"]) == 1 and data["index"] == [0, 0, 0, 0]


def test_bad_inputs_are_named():
    fig, ax, line = _line_figure()
    with pytest.raises(ValueError, match="controls"):
        control_player(lambda p: b"", lambda: "", [])
    with pytest.raises(ValueError, match="'a'"):
        control_player(lambda p: b"", lambda: "", [dict(name="a", values=[])])
    with pytest.raises(ValueError, match="'z'"):
        control_player(lambda p: b"", lambda: "", [dict(name="a", values=[1])], start={"z": 1})
    with pytest.raises(ValueError, match="5"):
        control_player(lambda p: b"", lambda: "", [dict(name="a", values=[1])], start={"a": 5})


def test_describe_reads_titles_labels_and_legend():
    fig, ax, line = _line_figure()
    text = describe(fig)
    assert text.startswith("Figure: a bowl")
    assert "distance to the minimum" in text and "f - f* against step" in text
    assert text.count("a bowl") == 1
    assert "SGD" in text and "$" not in text and "\\" not in text
    two, axes = plt.subplots(1, 2)
    axes[0].set_title("left")
    axes[1].set_title("right")
    assert "panel 1 of 2: left" in describe(two) and "panel 2 of 2: right" in describe(two)
    assert describe(plt.figure()) == "Figure: a figure with 0 panels"


def test_figure_png_carries_its_alt_text():
    fig, ax, line = _line_figure()
    png = figure_png(fig)
    assert Image.open(io.BytesIO(png)).text["Description"] == describe(fig)


def _tight_save(fig):
    """matplotlib's own tight save, as IPython's inline backend shows a figure."""
    from IPython.core.pylabtools import print_figure

    return np.asarray(Image.open(io.BytesIO(print_figure(fig, "png", bbox_inches="tight",
                                                         base64=False))).convert("RGBA"))


def _panels():
    fig, axes = plt.subplots(1, 2, figsize=(6, 2.5), layout="constrained")
    for k, ax in enumerate(axes):
        ax.plot(np.sin(np.linspace(0, 6, 50) + k), label=f"$\\beta = {k}$")
        ax.set(title=f"panel {k}", xlabel="step", yscale="log" if k else "linear")
        ax.legend()
    fig.suptitle("two panels")
    return fig


@pytest.mark.parametrize("make", [lambda: _line_figure()[0], _panels])
def test_figure_png_is_the_tight_box_drawn_once(make, monkeypatch):
    """The picture is matplotlib's tight save (same size, the same up to where a line falls
    within a pixel), drawn once instead of twice."""
    from matplotlib.figure import Figure

    expected = _tight_save(make())[..., :3].astype(float)
    fig = make()
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: (draws.append(1), original(self, r)))
    got = np.asarray(Image.open(io.BytesIO(figure_png(fig))).convert("RGB"), dtype=float)
    assert len(draws) == 1
    assert got.shape == expected.shape
    assert _blurred_gap(got, expected) < 2            # a line moved within its pixel at most
    assert _blurred_gap(got[:, ::-1], expected) > 5   # (and another picture is not close)


def _blurred_gap(a, b, k=4):
    """Mean difference of two pictures in blocks of k x k pixels, where a line that moved
    within its pixel makes none."""
    h, w = (a.shape[0] // k) * k, (a.shape[1] // k) * k
    blocks = lambda x: x[:h, :w].reshape(h // k, k, w // k, k, -1).mean(axis=(1, 3))  # noqa: E731
    return np.abs(blocks(a) - blocks(b)).mean()


@pytest.mark.parametrize("layout", ["constrained", "none"])
def test_figure_png_keeps_what_lies_outside_the_figure(layout):
    """A legend beyond the figure's edge widens the box, as savefig's tight box does."""
    def make():
        fig, ax, line = _line_figure()
        fig.set_layout_engine(layout)
        ax.legend(loc="upper left", bbox_to_anchor=(1.3, 1.0))
        return fig

    expected = _tight_save(make())
    fig = make()
    got = np.asarray(Image.open(io.BytesIO(figure_png(fig))).convert("RGBA"))
    assert got.shape == expected.shape
    assert got.shape[1] > fig.canvas.get_width_height()[0]
    assert _blurred_gap(got, expected) < 2


def test_figure_png_keeps_a_transparent_background():
    fig, ax, line = _line_figure()
    fig.patch.set_alpha(0.0)
    image = Image.open(io.BytesIO(figure_png(fig)))
    assert image.text["Description"] == describe(fig)
    alpha = np.asarray(image.convert("RGBA"))[..., 3]
    assert alpha.min() == 0 and alpha.max() == 255


def test_compress_png_keeps_the_picture_close():
    fig, ax, line = _line_figure()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    small = compress_png(buf.getvalue())
    a = np.asarray(Image.open(buf).convert("RGB"), dtype=float)
    b = np.asarray(Image.open(io.BytesIO(small)).convert("RGB"), dtype=float)
    assert a.shape == b.shape and np.abs(a - b).mean() < 2.0
    assert len(small) < len(buf.getvalue())


def test_an_overlay_over_the_base_gives_the_frame_back():
    from optim_lib.course.player import _decode, overlay_png

    fig, ax, line = _line_figure()
    base = _decode(figure_png(fig))
    line.set_ydata([1, 0])
    ax.set_title("another title")
    frame = _decode(figure_png(fig))
    assert frame.shape == base.shape and np.any(frame != base)
    png = overlay_png(frame, base)
    over = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
    shown = base.copy()
    opaque = over[..., 3] > 0
    shown[opaque] = over[opaque][:, :3]
    assert np.abs(shown.astype(float) - frame).mean() < 0.5   # up to the palette
    assert not opaque[np.all(frame == base, axis=2)].any()    # unchanged pixels transparent
    with pytest.raises(ValueError, match="size"):
        overlay_png(frame[:10], base)


def test_an_overlay_maps_each_changed_pixel_to_the_nearest_colour_of_its_palette():
    """Only the changed pixels are mapped to the overlay's palette, each exactly as a
    mapping of the whole frame would map it (PIL's nearest palette colour)."""
    from optim_lib.course.player import OVERLAY_COLORS, _decode, overlay_png

    fig, ax, line = _line_figure()
    base = _decode(figure_png(fig))
    line.set_ydata([1, 0])
    line.set_color("#D55E00")
    ax.set_title("another title")
    frame = _decode(figure_png(fig))
    over = Image.open(io.BytesIO(overlay_png(frame, base)))
    index = np.asarray(over)
    changed = np.any(frame != base, axis=2)
    key = OVERLAY_COLORS - 1
    assert over.info["transparency"] == key
    assert np.array_equal(index == key, ~changed)
    palette = Image.new("P", (1, 1))
    palette.putpalette(over.getpalette()[: 3 * key])
    whole = np.asarray(Image.fromarray(frame).quantize(palette=palette, dither=Image.Dither.NONE))
    assert np.array_equal(index[changed], whole[changed])


def test_format_value_matches_the_live_readouts():
    assert format_value(0.30000000001, "float") == "0.3"
    assert format_value(0.0123456, "log") == "0.012"
    assert format_value(1_000_000, "int") == "1,000,000"
    assert format_value(None, "choice") == "None"


def test_frame_player_has_a_play_button_and_a_step_slider():
    fig, ax, line = _line_figure()
    html = plots.frame_player(fig, lambda t: line.set_ydata([0, t]), [0, 5, 10], interval=200).data
    data = player_data(html)
    assert data["values"] == [["0", "5", "10"]] and data["interval"] == 200
    assert 'class="ol-play"' in html and ">step</label>" in html
    with pytest.raises(ValueError, match="frames"):
        plots.frame_player(fig, lambda t: None, [])
