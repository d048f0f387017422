"""The explorer framework (optim_lib.course.explorer): controls, update, the kernel-free twin, blitting.

A trajectory explorer serves as the vehicle; its own behaviour is tested in
test_explorers_paths.py."""


import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from optim_lib import Momentum  # noqa: E402
from optim_lib.course import explorer as widgets  # noqa: E402
from optim_lib.course.path_explorers import trajectory_explorer  # noqa: E402
from optim_lib.landscapes import ill_conditioned_bowl  # noqa: E402


def test_update_with_an_unknown_control_names_it(explorer):
    _, ex = explorer
    with pytest.raises(ValueError, match="learning_rate"):
        ex.update(learning_rate=0.1)
    with pytest.raises(ValueError, match=r"^sweep must.*'rho'"):
        ex.twin("rho")


def test_twin_holds_one_frame_per_sweep_value(explorer):
    from optim_lib.course.player import player_data

    _, ex = explorer
    values = [0.03, 0.1, 0.17]
    html = ex.twin("lr", values=values).data
    data = player_data(html)
    assert data["values"] == [["0.03", "0.1", "0.17"]]
    assert data["index"] == [0, 1, 2]
    assert len(set(data["frames"])) == len(values)              # three different pictures
    assert all("lr=0.1" in a or "lr=0.03" in a or "lr=0.17" in a for a in data["alts"])
    assert "://" not in html.replace("data:image", "")          # works offline


def test_twin_keeps_every_control(explorer):
    """A second control gets a grid of its own, with its starting value in it."""
    from optim_lib.course.player import player_data

    bowl = ill_conditioned_bowl(10)
    ex = trajectory_explorer(
        bowl, {"Momentum": lambda lr, rho: Momentum(lr=lr, rho=rho)},
        [widgets.float_slider("lr", 0.01, 0.19, 0.05),
         widgets.float_slider("rho", 0.0, 0.95, 0.5, description="momentum ρ")], steps=20)
    html = ex.twin("lr", values=[0.03, 0.1], max_frames=8).data
    data = player_data(html)
    assert len(data["values"]) == 2 and data["values"][0] == ["0.03", "0.1"]
    assert "0.5" in data["values"][1] and len(data["values"][1]) >= 3
    assert len(data["index"]) == 2 * len(data["values"][1])
    assert '<label for="' in html and ">momentum ρ</label>" in html
    with pytest.raises(ValueError, match="'eps'"):
        ex.twin("lr", eps=1.0)


def test_control_sweeps():
    assert widgets.float_slider("a", 0.0, 1.0, 0.5).sweep(5) == [0.0, 0.25, 0.5, 0.75, 1.0]
    np.testing.assert_allclose(widgets.log_slider("b", 1e-3, 1e-1, 1e-2).sweep(3), [1e-3, 1e-2, 1e-1])
    assert widgets.int_slider("c", 1, 4, 2).sweep(9) == [1, 2, 3, 4]
    assert widgets.choice("d", ["x", "y"]).sweep() == ["x", "y"]
    with pytest.raises(ValueError, match="'a'"):
        widgets.float_slider("a", 0.0, 1.0, 2.0)
    with pytest.raises(ValueError, match="'d'"):
        widgets.choice("d", ["x", "y"], value="z")


def test_blitted_render_matches_a_full_draw():
    """An explorer with `dynamic` artists redraws only those on a cached background;
    the picture must be the one a full draw gives (up to anti-aliasing of redrawn edges)."""
    import io

    import numpy as np
    from PIL import Image

    from optim_lib import SGD
    from optim_lib.landscapes import ill_conditioned_bowl
    from optim_lib.course.explorer import log_slider

    ex = trajectory_explorer(ill_conditioned_bowl(10), {"SGD": lambda lr: SGD(lr)},
                             [log_slider("lr", 1e-3, 0.3, 0.05)], steps=50)
    first = ex.render()
    ex.update(lr=0.19)
    blitted = np.asarray(Image.open(io.BytesIO(ex.render())).convert("RGB")).astype(int)
    buf = io.BytesIO()
    ex.fig.savefig(buf, format="png")
    full = np.asarray(Image.open(buf).convert("RGB")).astype(int)
    assert blitted.shape == full.shape
    differ = (np.abs(blitted - full).max(axis=2) > 30).mean()
    assert differ < 0.01, f"{differ:.1%} of the pixels differ from a full draw"
    assert ex.render() != first          # and the picture did change with lr


def test_show_is_the_twin_in_the_book_build_and_live_elsewhere(explorer, monkeypatch):
    import ipywidgets
    from IPython.display import HTML

    from optim_lib.course.explorer import SITE_BUILD

    _, ex = explorer
    monkeypatch.delenv(SITE_BUILD, raising=False)
    assert isinstance(ex.show("lr", values=[0.01, 0.1]), ipywidgets.VBox)
    monkeypatch.setenv(SITE_BUILD, "1")
    from optim_lib.course.player import player_data

    shown = ex.show("lr", values=[0.01, 0.1])
    assert isinstance(shown, HTML)
    assert player_data(shown.data)["values"] == [["0.01", "0.1"]]


def test_a_burst_of_slider_values_redraws_once_with_the_last():
    """Inside an event loop (a kernel), values that arrive before the redraw replace each other."""
    import asyncio

    from optim_lib.course.explorer import LatestOnly

    calls = []
    latest = LatestOnly(lambda **kw: calls.append(kw), wait=0.01)

    async def drag():
        for lr in (0.01, 0.02, 0.03, 0.04):
            latest(lr=lr)
        await asyncio.sleep(0.05)
        latest(lr=0.05)                       # a later move gets its own redraw
        await asyncio.sleep(0.05)

    asyncio.run(drag())
    assert calls == [{"lr": 0.04}, {"lr": 0.05}]
    latest(lr=0.06)                           # no running loop: at once
    assert calls[-1] == {"lr": 0.06}


def test_the_live_explorer_redraws_its_image_when_a_slider_moves(explorer):
    import ipywidgets

    _, ex = explorer
    box = ex.live()
    slider = box.children[0].children[0]
    image = box.children[1]
    assert isinstance(image, ipywidgets.Image)
    before = image.value
    slider.value = 0.15                      # no event loop here: redrawn at once
    assert image.value != before
