"""Every rule and schedule against its reference implementation, in every run: torch.optim, and
for the rules past AdamW lion-pytorch, torch.optim.Muon and schedulefree.

The trajectories torch.optim computed (float64, 300 updates with two mid-run learning-rate
changes; schedules over 120 updates) are committed in tests/reference/ by
tools/reference_trajectories.py; optim_lib must reproduce them within 1e-10. Where torch is
installed, the live comparison runs too (and the fixtures are checked to be current).
A learner never needs PyTorch.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import reference_trajectories as ref  # noqa: E402

from optim_lib import Adam, AdaGrad  # noqa: E402
from optim_lib.optimizers.after_adamw import (  # noqa: E402
    AdamWScheduleFree, Lion, Muon, muon_lr, newton_schulz)

TOL = 1e-10


def fixture(name):
    with np.load(ref.FIXTURES / f"{name}.npz") as data:
        return {k: data[k] for k in data.files}


def assert_matches(ours, theirs):
    assert ours.shape == theirs.shape
    err = np.max(np.abs(ours - theirs))
    scale = max(1.0, float(np.max(np.abs(theirs))))
    assert err <= TOL * scale, f"max difference {err:.3e} over {len(ours)} checkpoints"


@pytest.mark.parametrize("name", list(ref.RULES))
def test_rule_follows_torch_optim(name):
    assert_matches(ref.run_optim_lib(name), fixture(name)["checkpoints"])


@pytest.mark.parametrize("name", list(ref.SCHEDULES))
def test_schedule_follows_torch_scheduler(name):
    data = fixture(f"schedule_{name}")
    np.testing.assert_allclose(ref.schedule_factors(name), data["factors"], rtol=1e-12, atol=1e-15)
    assert_matches(ref.run_scheduled_optim_lib(name), data["checkpoints"])


class EpsInsideTheRoot(AdaGrad):
    def update(self, w, dw):
        if self.G is None:
            self.G = np.zeros_like(w)
        self.t += 1
        self.G = self.G + dw**2
        w -= self.lr * dw / np.sqrt(self.G + self.eps)


def test_the_comparison_rejects_a_wrong_rule():
    # eps inside the root (a popular formula) and Adam without bias correction differ
    # from the references by far more than the tolerance.
    with pytest.raises(AssertionError, match="max difference"):
        assert_matches(ref.run_optim_lib("adagrad", EpsInsideTheRoot(lr=0.3, eps=1e-7)),
                       fixture("adagrad")["checkpoints"])
    with pytest.raises(AssertionError, match="max difference"):
        assert_matches(ref.run_optim_lib("adam", Adam(lr=0.02, bias_correction=False)),
                       fixture("adam")["checkpoints"])


def test_the_fixtures_record_the_reference_version():
    for name in ref.RULES:
        assert str(fixture(name)["torch_version"]).startswith("2.13")


@pytest.mark.parametrize("name", list(ref.RULES))
def test_live_against_torch_when_installed(name):
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    live = ref.run_torch(name)
    assert_matches(ref.run_optim_lib(name), live)
    np.testing.assert_allclose(fixture(name)["checkpoints"], live, rtol=0, atol=1e-12)


# The rules past AdamW: Lion against lion-pytorch, Muon against torch.optim.Muon (float64: the
# bfloat16 cast of its Newton–Schulz iteration taken out), Schedule-Free AdamW against
# schedulefree, at its train point y and its evaluation point x.

PINNED = {"Lion": "lion-pytorch 0.2.5", "Muon": "torch 2.13",
          "AdamWScheduleFree": "schedulefree 1.4.1"}


@pytest.mark.parametrize("name", list(ref.AFTER_ADAMW))
def test_rule_past_adamw_follows_its_reference(name):
    data, ours = fixture(name), ref.run_after_adamw(name)
    assert sorted(ours) == sorted(k for k in data if k.endswith("checkpoints"))
    for key in ours:
        assert_matches(ours[key], data[key])


def test_the_past_adamw_fixtures_record_the_reference_version():
    for name, (cls, *_) in ref.AFTER_ADAMW.items():
        assert str(fixture(name)["reference"]).startswith(PINNED[cls]), name
    assert "bfloat16" in str(fixture("muon_bfloat16")["reference"])
    # Schedule-Free's two points are two different points (the comparison checks both)
    data = fixture("schedulefree")
    assert np.max(np.abs(data["checkpoints"] - data["eval_checkpoints"])) > 0.1


class LionMomentumFirst(Lion):
    def update(self, w, dw):
        if self.m is None:
            self.m = np.zeros_like(w)
        self.t += 1
        w *= 1 - self.lr * self.weight_decay
        self.m = self.beta2 * self.m + (1 - self.beta2) * dw      # m before the sign: wrong
        w -= self.lr * np.sign(self.beta1 * self.m + (1 - self.beta1) * dw)


class MuonDecayWithAdjustedLr(Muon):
    def update(self, w, dw):
        if self.B is None:
            self.B = np.zeros_like(w)
        self.t += 1
        self.B = self.momentum * self.B + (1 - self.momentum) * dw
        M = (1 - self.momentum) * dw + self.momentum * self.B if self.nesterov else self.B
        O = newton_schulz(M, self.ns_coefficients, self.ns_steps, self.eps)
        lr = muon_lr(self.lr, self.adjust_lr_fn, w.shape)
        w *= 1 - lr * self.weight_decay                            # torch decays with lr
        w -= lr * O


class MuonAsThePapersWriteIt(Muon):
    def update(self, w, dw):
        if self.B is None:
            self.B = np.zeros_like(w)
        self.t += 1
        self.B = self.momentum * self.B + dw                       # a sum, not an average
        M = dw + self.momentum * self.B if self.nesterov else self.B
        O = newton_schulz(M, self.ns_coefficients, self.ns_steps, self.eps)
        w *= 1 - self.lr * self.weight_decay
        w -= muon_lr(self.lr, self.adjust_lr_fn, w.shape) * O


class ScheduleFreeEvaluatedAtY(AdamWScheduleFree):
    def eval_point(self, w):
        return w.copy()


def kwargs(name, **changes):
    return {**ref.AFTER_ADAMW[name][1], **changes}


def test_the_comparison_rejects_a_wrong_rule_past_adamw():
    wrong = [("lion", LionMomentumFirst(**kwargs("lion"))),
             ("lion_b1_05", LionMomentumFirst(**kwargs("lion_b1_05"))),
             ("muon", MuonDecayWithAdjustedLr(**kwargs("muon"))),
             ("muon_rms", MuonDecayWithAdjustedLr(**kwargs("muon_rms"))),
             ("muon", Muon(**kwargs("muon", nesterov=False))),
             ("muon_wide", Muon(**kwargs("muon_wide", adjust_lr_fn="match_rms_adamw"))),
             # uniform weights in the average: the warmup's small steps weigh as much
             ("schedulefree", AdamWScheduleFree(**kwargs("schedulefree", weight_lr_power=0.0))),
             ("schedulefree_poly", AdamWScheduleFree(**kwargs("schedulefree_poly", r=0.0)))]
    for name, opt in wrong:
        with pytest.raises(AssertionError, match="max difference"):
            assert_matches(ref.run_after_adamw(name, opt)["checkpoints"],
                           fixture(name)["checkpoints"])
    # the right train point evaluated at the wrong place: only the eval comparison sees it
    ours = ref.run_after_adamw("schedulefree", ScheduleFreeEvaluatedAtY(**kwargs("schedulefree")))
    assert_matches(ours["checkpoints"], fixture("schedulefree")["checkpoints"])
    with pytest.raises(AssertionError, match="max difference"):
        assert_matches(ours["eval_checkpoints"], fixture("schedulefree")["eval_checkpoints"])


@pytest.mark.parametrize("name", ["muon", "muon_wide", "muon_plain"])
def test_muon_as_the_papers_write_it_gives_torchs_numbers(name):
    # B ← μ·B + dw is (1 − μ)⁻¹ times torch's average; the iteration divides the scale away
    assert_matches(ref.run_after_adamw(name, MuonAsThePapersWriteIt(**kwargs(name)))["checkpoints"],
                   fixture(name)["checkpoints"])


def test_what_bfloat16_changes_in_torchs_muon():
    # torch's own Muon runs Newton–Schulz in bfloat16 (8 significant bits): its trajectory
    # leaves the float64 one by ~1e-3 — far above the comparison's 1e-10, far below the run's
    # scale (the weights move by about 4).
    ours = ref.run_after_adamw("muon")["checkpoints"]
    theirs = fixture("muon_bfloat16")["checkpoints"]
    gap = np.max(np.abs(ours - theirs))
    assert 1e-4 < gap < 0.05, gap
    assert np.max(np.abs(theirs[-1] - theirs[0])) > 1.0


@pytest.mark.parametrize("name", list(ref.AFTER_ADAMW))
def test_live_past_adamw_against_its_reference_when_installed(name):
    torch = pytest.importorskip("torch")
    module = ref.AFTER_ADAMW[name][2].split(".")[0]
    pytest.importorskip(module)
    if module == "torch" and not hasattr(torch.optim, "Muon"):
        pytest.skip(f"torch.optim.Muon is not in torch {torch.__version__}")
    original = vars(torch.optim).get("_muon") and torch.optim._muon._zeropower_via_newtonschulz
    live = ref.run_after_adamw_reference(name)
    if original:                                   # the float64 patch is undone
        assert torch.optim._muon._zeropower_via_newtonschulz is original
    ours, data = ref.run_after_adamw(name), fixture(name)
    for key in live:
        assert_matches(ours[key], live[key])
        np.testing.assert_allclose(data[key], live[key], rtol=0, atol=1e-12)
