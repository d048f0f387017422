"""Chapter 13's verdicts "tuned, AdamW and Adam + L2 tie on test, and neither beats no decay"
at the settings the chapter held fixed, each moved one step (too slow for the chapter's time
budget, so here): beta1 at 0.8 and 0.95, a cosine schedule instead of a constant rate, and
batch 32 or 128 instead of 64; at lr 0.01 and the lambdas the chapter chose (AdamW 0.1,
Adam + L2 1e-3), ten paired seeds, 20 epochs.

What holds at every moved setting: no paired difference reaches half a point, and AdamW is
never the worse (no interval of AdamW minus the other lies below 0). Two of the fifteen
intervals lean AdamW's way, just clear of 0 (beta1 = 0.95 against no decay, batch 32 against
Adam + L2): the chapter reports them; this test does not assert them (a margin of a few
hundredths of a point is not a claim any BLAS kernel keeps)."""

from __future__ import annotations

import pytest

from optim_lib import Adam, AdamW
from optim_lib.data import load_digits_split
from optim_lib.network_train import train_networks
from optim_lib.nn import MLP
from optim_lib.schedules import CosineDecay, Scheduled
from optim_lib.stats import paired_difference

LR, LAM_W, LAM_L2, EPOCHS, SEEDS = 0.01, 0.1, 1e-3, 20, range(10)
SETTINGS = {"beta1 0.8": (0.8, False, 64), "beta1 0.95": (0.95, False, 64),
            "cosine": (0.9, True, 64), "batch 32": (0.9, False, 32), "batch 128": (0.9, False, 128)}


@pytest.fixture(scope="module")
def setup():
    return load_digits_split(seed=0), MLP((64, 32, 10))


@pytest.mark.parametrize("name", SETTINGS)
def test_no_gain_from_decay_survives_a_moved_setting(setup, name):
    data, net = setup
    beta1, cosine, batch = SETTINGS[name]
    steps = EPOCHS * -(-len(data.y_train) // batch)

    def made(opt):
        return Scheduled(opt, CosineDecay(steps)) if cosine else opt

    opts = [made(AdamW(LR, beta1=beta1, weight_decay=LAM_W)), made(Adam(LR, beta1=beta1)),
            made(AdamW(LR, beta1=beta1, weight_decay=0.0))]
    runs = train_networks(net, opts, data, SEEDS, epochs=EPOCHS, batch_size=batch,
                          reg=[0.0, LAM_L2, 0.0])
    adamw, l2, none = (100 * runs.test_accuracy(data, EPOCHS, g) for g in range(3))
    diffs = {"AdamW - Adam + L2": paired_difference(adamw, l2),
             "AdamW - no decay": paired_difference(adamw, none),
             "Adam + L2 - no decay": paired_difference(l2, none)}
    for label, d in diffs.items():
        assert abs(d.mean) < 0.5, (name, label, str(d))
    for label in ("AdamW - Adam + L2", "AdamW - no decay"):
        assert diffs[label].high > 0, (name, label, str(diffs[label]))


def test_the_check_can_fail(setup):
    """The same bound catches a real effect: Adam + L2 at lambda = 1e-2, one step above its
    band, loses more than half a point against no decay."""
    data, net = setup
    runs = train_networks(net, [Adam(LR), Adam(LR)], data, SEEDS, epochs=EPOCHS,
                          reg=[1e-2, 0.0])
    d = paired_difference(100 * runs.test_accuracy(data, EPOCHS, 0),
                          100 * runs.test_accuracy(data, EPOCHS, 1))
    assert not abs(d.mean) < 0.5 and d.high < 0, str(d)
