"""Plots (optim_lib.course.plots): colours, trajectories and losses, tables, frame players."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import optim_lib  # noqa: E402
from optim_lib import SGD, Adam, AdamW, Momentum  # noqa: E402
from optim_lib.course import plots  # noqa: E402
from optim_lib.landscapes import ill_conditioned_bowl, saddle  # noqa: E402
from optim_lib.course.plots import animate_race, table  # noqa: E402
from optim_lib.train import run_landscape  # noqa: E402
from figure_support import line  # noqa: E402


def test_color_of_gives_one_distinct_colour_per_optimizer():
    names = [cls.name for cls in optim_lib.OPTIMIZERS]
    colours = [plots.color_of(n) for n in names]
    assert len(set(colours)) == len(names)
    assert all(matplotlib.colors.is_color_like(c) for c in colours)
    for cls in optim_lib.OPTIMIZERS:      # by name, by class and by instance: the same colour
        assert plots.color_of(cls) == plots.color_of(cls.name) == plots.color_of(cls())
    # an unknown name falls back to the palette, by index
    fallback = [plots.color_of("my method", i) for i in range(3)]
    assert len(set(fallback)) == 3 and all(matplotlib.colors.is_color_like(c) for c in fallback)


def test_color_of_reads_a_label_that_starts_with_a_method_name():
    from optim_lib.course.plots import COLORS, color_of

    assert color_of("SGD(lr=0.1)") == COLORS["SGD"]
    assert color_of("Adam, lr = 0.01") == COLORS["Adam"]
    assert color_of("Momentum") == COLORS["Momentum"]
    assert color_of("SGDish", 0) != COLORS["SGD"]      # a longer word is not the method


def test_adamw_has_a_colour_of_its_own():
    assert plots.color_of(AdamW) == plots.color_of("AdamW(lr=0.001)") != plots.color_of(Adam)


def test_plot_trajectories_and_losses_use_the_book_colours():
    bowl = ill_conditioned_bowl(10)
    runs = [run_landscape(SGD(lr=0.1), bowl, steps=10), run_landscape(Momentum(lr=0.05), bowl, steps=10)]
    ax = plots.plot_trajectories(bowl, runs)
    sgd_line = line(ax, runs[0].label)
    np.testing.assert_array_equal(sgd_line.get_xydata(), runs[0].path)
    assert matplotlib.colors.same_color(sgd_line.get_color(), plots.color_of("SGD"))
    assert matplotlib.colors.same_color(line(ax, runs[1].label).get_color(), plots.color_of("Momentum"))
    ax2 = plots.plot_losses(runs)
    assert ax2.get_yscale() == "log"
    np.testing.assert_array_equal(line(ax2, runs[1].label).get_ydata(), runs[1].losses)


def test_frame_player_needs_frames():
    fig, _ = plots.figure()
    with pytest.raises(ValueError, match="frames"):
        plots.frame_player(fig, lambda v: None, [])


def test_table_formats_numbers_and_escapes_text():
    html = table([("a<b", 0.123456789, 3)], ["name", "x", "n"], formats=["", ".3f", "d"]).data
    assert "<th>name</th>" in html and "a&lt;b" in html
    assert "<td>0.123</td>" in html and "<td>3</td>" in html


def test_table_default_format_and_caption():
    html = table([(1.0 / 3,)], ["x"], caption="c & d").data
    assert "<td>0.333333</td>" in html and "<caption>c &amp; d</caption>" in html


def test_table_rejects_ragged_rows_and_wrong_formats():
    with pytest.raises(ValueError, match=r"rows\[1\] has 1 values"):
        table([(1, 2), (3,)], ["a", "b"])
    with pytest.raises(ValueError, match="formats must give one spec per column"):
        table([(1, 2)], ["a", "b"], formats=[".2f"])


def test_animate_race_and_bad_inputs():
    L = saddle()
    runs = [run_landscape(SGD(0.3), L, 10, label="SGD"), run_landscape(Adam(0.3), L, 10, label="Adam")]
    html = animate_race([(L, runs), (ill_conditioned_bowl(), runs)], steps=[0, 5, 10], title="t")
    assert "<img" in html.data or "frames" in html.data
    with pytest.raises(ValueError, match="panels"):
        animate_race([], steps=[0])
    with pytest.raises(ValueError, match="steps"):
        animate_race([(L, runs)], steps=[])
