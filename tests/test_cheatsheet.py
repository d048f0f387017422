"""The cheat sheet (optim_lib.course.cheatsheet) says of each rule what the library does."""

import inspect

import numpy as np
import pytest

from optim_lib import optimizers
from optim_lib.course import cheatsheet


@pytest.mark.parametrize("name", list(cheatsheet.RULES))
def test_facts_come_from_the_rule_itself(name):
    f = cheatsheet.rule_facts(name)
    cls = getattr(optimizers, name)
    assert f["equations"], "every rule shows its update"
    assert all(line in inspect.getdoc(cls) or line in inspect.getdoc(optimizers.Adam)
               for line in f["equations"])
    assert list(f["defaults"]) == [p for p in inspect.signature(cls).parameters
                                   if p != "bias_correction"]
    opt = cls()
    w = np.zeros(10, dtype=np.float32)
    opt.step(w, np.ones(10, dtype=np.float32))
    assert f["state"] == sorted(opt.state)
    assert f["state_bytes"] == 4 * len(opt.state)          # float32: 4 bytes per array entry


def test_memory_per_parameter_as_the_appendix_counts_it():
    bytes_ = {n: cheatsheet.rule_facts(n)["state_bytes"] for n in cheatsheet.RULES}
    assert bytes_ == {"SGD": 0, "Momentum": 4, "Nesterov": 4, "AdaGrad": 4, "RMSProp": 4,
                      "Adam": 8, "AdamW": 8}


def test_adamw_shows_its_decay_before_the_adam_step():
    eq = cheatsheet.rule_facts("AdamW")["equations"]
    assert "weight_decay" in eq[0] and any("m̂" in line for line in eq[1:])


def test_unknown_rule_is_named():
    with pytest.raises(ValueError, match="name must be one of .* got 'Adamax'"):
        cheatsheet.rule_facts("Adamax")


def test_the_table_lists_every_rule():
    for part in ("rules", "verdicts"):
        text = cheatsheet.cheat_sheet(part).data
        for name in cheatsheet.RULES:
            assert f"<strong>{name}</strong>" in text
        assert text.count("<tr>") == len(cheatsheet.RULES) + 1
    assert "m̂ = m / (1 − beta1^t)" in cheatsheet.cheat_sheet("rules").data
    with pytest.raises(ValueError, match="part must be 'rules' or 'verdicts', got 'all'"):
        cheatsheet.cheat_sheet("all")
