"""Checkers of chapters 12-14 accept the reference, reject wrong answers, report unfinished ones;
and the chapters' explorers draw and redraw."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest

from optim_lib import Adam, AdamW
from optim_lib.course.decay_exercises import _adam_l2, _decay_after, check_adamw, check_warmup_cosine
from optim_lib.course.exercises import check_softmax_cross_entropy
from optim_lib.nn import softmax_cross_entropy

matplotlib.use("Agg")


def _todo(*args, **kwargs):
    raise NotImplementedError


# --- softmax cross-entropy -------------------------------------------------------------


def test_softmax_checker_accepts_the_reference_and_a_loop():
    assert check_softmax_cross_entropy(softmax_cross_entropy).passed

    def mine(scores, y):
        n = len(y)
        s = scores - scores.max(axis=1, keepdims=True)
        p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
        d = p.copy()
        d[np.arange(n), y] -= 1
        return -np.log(p[np.arange(n), y]).mean(), d / n

    assert check_softmax_cross_entropy(mine).passed


def test_softmax_checker_rejects_wrong_answers():
    def unstable(scores, y):
        n = len(y)
        p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        d = p.copy()
        d[np.arange(n), y] -= 1
        return -np.log(p[np.arange(n), y]).mean(), d / n

    r = check_softmax_cross_entropy(unstable)
    assert r.status == "fail" and "largest score" in r.message

    def not_mean(scores, y):
        loss, d = softmax_cross_entropy(scores, y)
        return loss, d * len(y)

    r = check_softmax_cross_entropy(not_mean)
    assert r.status == "fail" and "divide the gradient by N" in r.message
    assert check_softmax_cross_entropy(lambda s, y: 3.0).status == "fail"
    assert check_softmax_cross_entropy(_todo).status == "todo"
    assert check_softmax_cross_entropy(lambda s, y: None).status == "todo"


# --- AdamW's step ------------------------------------------------------------------------


def _my_adamw(w, dw, state, lr, beta1, beta2, eps, weight_decay):
    if not state:
        state.update(m=np.zeros_like(w), v=np.zeros_like(w), t=0)
    state["t"] += 1
    t = state["t"]
    w = w * (1 - lr * weight_decay)
    state["m"] = beta1 * state["m"] + (1 - beta1) * dw
    state["v"] = beta2 * state["v"] + (1 - beta2) * dw**2
    m_hat = state["m"] / (1 - beta1**t)
    v_hat = state["v"] / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps)


def test_adamw_checker_accepts_the_reference():
    assert check_adamw(_my_adamw).passed
    assert check_adamw(_my_adamw, AdamW(lr=0.01, beta1=0.8, weight_decay=0.1)).passed


def test_adamw_checker_names_the_common_mistakes():
    r = check_adamw(_adam_l2)
    assert r.status == "fail" and "L2" in r.message
    r = check_adamw(_decay_after)
    assert r.status == "fail" and "shrinks w first" in r.message


def test_adamw_checker_rejects_plain_adam_and_reports_todo():
    def plain_adam(w, dw, state, lr, beta1, beta2, eps, weight_decay):
        state.setdefault("opt", Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps))
        return state["opt"].step(np.array(w, dtype=float), dw)

    r = check_adamw(plain_adam)
    assert r.status == "fail" and "L2" not in r.message
    assert check_adamw(_todo).status == "todo"
    with pytest.raises(TypeError, match="reference"):
        check_adamw(_my_adamw, Adam())


# --- warmup-cosine ------------------------------------------------------------------------


def _warmup_cosine(t, warmup_steps, total_steps):
    if t < warmup_steps:
        return (t + 1) / warmup_steps
    if t >= total_steps:
        return 0.0
    return 0.5 * (1 + math.cos(math.pi * (t - warmup_steps) / (total_steps - warmup_steps)))


def test_warmup_cosine_checker_accepts_the_reference():
    assert check_warmup_cosine(_warmup_cosine).passed


@pytest.mark.parametrize("wrong, hint", [
    (lambda t, w, T: t / w if t < w else _warmup_cosine(t, w, T), "(t + 1)/warmup_steps"),
    (lambda t, w, T: _warmup_cosine(t, w, T) if t < w else
     (0.5 * (1 + math.cos(math.pi * t / T)) if t < T else 0.0), "over all total_steps"),
    (lambda t, w, T: _warmup_cosine(t, w, T) if t < w else
     (0.5 * (1 + math.cos(math.pi * t / (T - w))) if t < T - w else 0.0), "t − warmup_steps"),
    (lambda t, w, T: 1.0, ""),
])
def test_warmup_cosine_checker_rejects_wrong_answers(wrong, hint):
    r = check_warmup_cosine(wrong)
    assert r.status == "fail" and hint in r.message


def test_warmup_cosine_checker_reports_todo_and_non_numbers():
    assert check_warmup_cosine(_todo).status == "todo"
    assert check_warmup_cosine(lambda t, w, T: "1").status == "fail"


# --- explorers ---------------------------------------------------------------------------


def test_chapter_explorers_draw_and_redraw():
    from optim_lib import SGD
    from optim_lib.data import load_digits_split
    from optim_lib.landscapes import ill_conditioned_bowl, noisy
    from optim_lib.network_train import train_networks
    from optim_lib.course.network_explorers import (decay_explorer, network_race_explorer,
                                           schedule_explorer)
    from optim_lib.nn import MLP
    from optim_lib.schedules import Constant, CosineDecay

    data = load_digits_split(0)
    net = MLP((64, 4, 10))
    lrs = [0.01, 0.1, 1.0]
    runs = {"SGD": train_networks(net, [SGD(lr) for lr in lrs], data, seeds=(0, 1), epochs=2,
                                  checkpoints=(1, 2))}
    ex = network_race_explorer(runs, lrs, optimizer="SGD", lr=0.1)
    first = ex.render()
    ex.update(lr=1.0)
    assert ex.render() != first
    player = ex.twin("lr", values=lrs).data          # a kernel-free player (HTML)
    assert isinstance(player, str) and "data:image/png;base64" in player

    strengths = [1e-3, 1e-1]
    res = {"Adam + L2": train_networks(net, [Adam(0.01), Adam(0.01)], data, seeds=(0,),
                                       epochs=1, reg=strengths),
           "AdamW": train_networks(net, [AdamW(0.01, weight_decay=s) for s in strengths], data,
                                   seeds=(0,), epochs=1)}
    ex = decay_explorer(res, strengths)
    first = ex.render()
    ex.update(strength=1e-3)
    assert ex.render() != first

    bowl = ill_conditioned_bowl(10)
    ex = schedule_explorer(lambda: noisy(bowl, 1.0, seed=0), {"SGD": lambda f: SGD(0.1 * f)},
                           {"constant": Constant(), "cosine": CosineDecay(100)}, steps=100)
    first = ex.render()
    ex.update(schedule="cosine")
    assert ex.render() != first
    with pytest.raises(ValueError, match="lrs"):
        network_race_explorer(runs, [0.1, 0.01, 1.0])
    with pytest.raises(TypeError, match="schedules"):
        schedule_explorer(lambda: bowl, {"SGD": SGD}, {"x": 1.0})
    with pytest.raises(ValueError, match=r"results\['Adam \+ L2'\] has 2 groups, but strengths has 3"):
        decay_explorer(res, [1e-3, 1e-2, 1e-1])
    with pytest.raises(TypeError, match=r"runs\['SGD'\] must be a NetRuns, got dict"):
        network_race_explorer({"SGD": {}}, lrs)
    with pytest.raises(ValueError, match="window must be at most steps = 100, got 200"):
        schedule_explorer(lambda: bowl, {"SGD": SGD}, {"c": Constant()}, steps=100, window=200)
    with pytest.raises(ValueError, match="steps must be a positive integer, got 0"):
        schedule_explorer(lambda: bowl, {"SGD": SGD}, {"c": Constant()}, steps=0)
