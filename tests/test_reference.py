"""Every rule and schedule against its reference implementation (torch.optim), in every run.

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
