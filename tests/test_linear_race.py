"""optim_lib.linear_race: the certified optimum, the stacked objective, many classifiers at once."""

import numpy as np
import pytest

from optim_lib import SGD, Adam, AdaGrad, Momentum
from optim_lib.data import load_digits_split
from optim_lib.linear_race import svm_objective, svm_optimum, train_classifiers
from optim_lib.losses import svm_loss_value, svm_loss_vectorized
from optim_lib.train import fit_linear_classifier


@pytest.fixture(scope="module")
def data():
    return load_digits_split(seed=0)


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(3)
    X = np.hstack([rng.standard_normal((60, 4)), np.ones((60, 1))])
    y = rng.integers(0, 3, 60)
    return X, y


def test_optimum_is_certified_and_no_point_nearby_is_lower(small):
    X, y = small
    opt = svm_optimum(X, y, reg=0.05, tol=1e-8)
    assert 0 <= opt.certificate <= 1e-8
    assert np.isclose(opt.f_star, svm_loss_value(opt.W, X, y, 0.05), rtol=0, atol=1e-15)
    rng = np.random.default_rng(0)
    for _ in range(200):       # any nudge of W costs at least -certificate
        W = opt.W + 1e-3 * rng.standard_normal(opt.W.shape)
        assert svm_loss_value(W, X, y, 0.05) >= opt.f_star - 1e-8


def test_optimum_beats_a_long_run_of_gradient_descent_and_the_gap_shrinks_toward_it(small):
    X, y = small
    opt = svm_optimum(X, y, reg=0.05, tol=1e-8)
    W = np.zeros_like(opt.W)
    gaps = []
    for t in range(1, 3001):   # subgradient descent with a 1/(reg t) step: converges slowly
        _, dW = svm_loss_vectorized(W, X, y, 0.05)
        W -= dW / (2 * 0.05 * (t + 10))
        if t in (30, 300, 3000):
            gaps.append(svm_loss_value(W, X, y, 0.05) - opt.f_star)
    assert min(gaps) > -1e-8 and gaps[-1] < gaps[0] / 5


@pytest.mark.parametrize("bad, error", [(0.0, ValueError), (-1.0, ValueError),
                                        (float("nan"), ValueError), (True, TypeError),
                                        ("1e-3", TypeError)])
def test_optimum_rejects_a_bad_reg_naming_it(small, bad, error):
    with pytest.raises(error, match=f"reg .*got {bad!r}"):
        svm_optimum(*small, reg=bad)


def test_optimum_says_when_it_cannot_certify(small):
    with pytest.raises(RuntimeError, match="duality gap"):
        svm_optimum(*small, reg=1e-3, tol=1e-14, max_iter=5)


def test_objective_of_many_matrices_is_svm_loss_value_to_the_last_bit(data):
    rng = np.random.default_rng(1)
    W = 0.01 * rng.standard_normal((3, 2, 10, 65))
    W[2, 1, 0, 0] = np.inf
    f = svm_objective(W, data.X_train, data.y_train, 1e-3)
    assert f.shape == (3, 2)
    for g in range(3):
        for s in range(2):
            if (g, s) == (2, 1):
                assert np.isnan(f[g, s])
            else:
                assert f[g, s] == svm_loss_value(W[g, s], data.X_train, data.y_train, 1e-3)


def test_many_classifiers_at_once_equal_one_at_a_time(data):
    makers = [lambda: SGD(0.5), lambda: Momentum(0.05, rho=0.9), lambda: AdaGrad(0.1),
              lambda: Adam(0.01)]
    runs = train_classifiers([m() for m in makers], data, seeds=(0, 3), epochs=3,
                             checkpoints=(1, 3))
    assert runs.W.shape == (2, 4, 2, 10, 65) and runs.steps_per_epoch == 17
    for g, make in enumerate(makers):
        for j, seed in enumerate((0, 3)):
            h = fit_linear_classifier(make(), data, epochs=3, batch_size=64, reg=1e-3, seed=seed)
            assert np.array_equal(runs.W[runs.at(3), g, j], h.W)
            assert runs.train_loss[runs.at(1), g, j] == h.epoch_train_loss[1]
            assert runs.val_acc[runs.at(3), g, j] == h.val_acc[3]
            acc = runs.accuracy(data.X_test, data.y_test, 3, g)[j]
            assert acc == np.mean(np.argmax(data.X_test @ h.W.T, axis=1) == data.y_test)


def test_float32_is_close_to_float64_and_divergence_is_nan(data):
    lo = train_classifiers([Adam(0.01), SGD(100.0)], data, seeds=(0,), epochs=2,
                           dtype=np.float32)
    hi = train_classifiers([Adam(0.01), SGD(100.0)], data, seeds=(0,), epochs=2)
    assert abs(lo.train_loss[0, 0, 0] - hi.train_loss[0, 0, 0]) < 1e-4
    big = train_classifiers([SGD(1e30)], data, seeds=(0,), epochs=2, checkpoints=(1, 2))
    assert np.isnan(big.train_loss).all() and np.isnan(big.val_acc).all()


@pytest.mark.parametrize("kw, name", [
    ({"optimizers": []}, "optimizers"),
    ({"seeds": ()}, "seeds"),
    ({"seeds": (-1,)}, "seed"),
    ({"epochs": 0}, "epochs"),
    ({"checkpoints": (5,)}, "checkpoints"),
    ({"dtype": np.int64}, "dtype"),
    ({"reg": -1.0}, "reg"),
])
def test_train_classifiers_rejects_bad_arguments_naming_them(data, kw, name):
    args = {"optimizers": [SGD(0.1)], "data": data, "seeds": (0,), "epochs": 2}
    args.update(kw)
    with pytest.raises(ValueError, match=name):
        train_classifiers(**args)


def test_train_classifiers_wants_distinct_optimizers(data):
    opt = SGD(0.1)
    with pytest.raises(ValueError, match="distinct"):
        train_classifiers([opt, opt], data, seeds=(0,), epochs=1)


def test_one_stacked_optimizer_for_all_groups(data):
    from optim_lib.search_space import search_space

    t = search_space("Momentum", schedule=None).sample(3, seed=0)
    stacked = train_classifiers(t.optimizer(3), data, seeds=(0, 1), epochs=1, groups=3)
    one_each = train_classifiers([t.single(i) for i in range(3)], data, seeds=(0, 1), epochs=1)
    assert np.allclose(stacked.W, one_each.W, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="groups must be a positive integer"):
        train_classifiers(t.optimizer(3), data, seeds=(0,), epochs=1, groups=0)
    with pytest.raises(TypeError, match="optimizers must be an optim_lib optimizer"):
        train_classifiers([t.single(0)], data, seeds=(0,), epochs=1, groups=1)


def test_optimum_lives_in_its_own_module_and_stays_importable_here():
    import optim_lib.linear_race as lr
    import optim_lib.optimum as om

    assert lr.svm_optimum is om.svm_optimum and lr.svm_objective is om.svm_objective
    assert lr.SVMOptimum is om.SVMOptimum


def test_without_validation_the_runs_are_the_same_and_val_acc_is_none(data):
    """``validation=False`` (what LinearDigits asks: it reads f − f*, never validation accuracy)
    skips that measurement and nothing else: weights and objective equal to the bit."""
    opts = lambda: [SGD(lr=0.3), Adam(lr=0.01)]                      # noqa: E731
    full = train_classifiers(opts(), data, seeds=(0, 1), epochs=2, checkpoints=(1, 2))
    lean = train_classifiers(opts(), data, seeds=(0, 1), epochs=2, checkpoints=(1, 2),
                             validation=False)
    assert lean.val_acc is None and full.val_acc.shape == (2, 2, 2)
    assert np.array_equal(lean.W, full.W) and np.array_equal(lean.train_loss, full.train_loss)
    with pytest.raises(TypeError, match="validation must be True or False"):
        train_classifiers(opts(), data, seeds=(0,), epochs=1, validation=1)
