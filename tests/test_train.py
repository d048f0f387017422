"""Runners (optim_lib.train): an optimizer on a landscape, the linear classifier on digits."""

import warnings

import numpy as np
import pytest

from optim_lib import SGD, Adam, Momentum
from optim_lib.data import load_digits_split
from optim_lib.landscapes import ill_conditioned_bowl, rosenbrock
from optim_lib.losses import accuracy, svm_loss_vectorized
from optim_lib.train import Run, fit_linear_classifier, init_weights, run_landscape


@pytest.fixture(scope="module")
def digits():
    return load_digits_split(seed=0)


@pytest.fixture
def bowl():
    return ill_conditioned_bowl(10)


# --------------------------------------------------------------------------- run_landscape

def test_run_landscape_path_and_losses(bowl):
    run = run_landscape(SGD(lr=0.05), bowl, steps=30)
    assert run.path.shape == (31, 2) and run.losses.shape == (31,)
    np.testing.assert_array_equal(run.path[0], bowl.start)
    np.testing.assert_array_equal(run.losses, [bowl(p) for p in run.path])
    # the first step is one SGD step from the start: (x, y) - 0.05*(x, 10y)
    x0, y0 = bowl.start
    np.testing.assert_allclose(run.path[1], [x0 * 0.95, y0 * 0.5], rtol=1e-15)
    # lr < 2/10: every step lowers the loss on this quadratic
    assert np.all(np.diff(run.losses) < 0)
    assert not run.diverged and run.diverged_at is None
    assert run.final_loss == run.losses[-1]
    assert run.label == "SGD(lr=0.05)"


def test_run_landscape_start_label_and_zero_steps(bowl):
    run = run_landscape(Momentum(lr=0.01, rho=0.9), bowl, steps=0, start=(1.0, 1.0), label="m")
    assert run.label == "m"
    np.testing.assert_array_equal(run.path, [[1.0, 1.0]])
    np.testing.assert_array_equal(run.losses, [5.5])


def test_run_landscape_resets_the_optimizer(bowl):
    opt = Momentum(lr=0.02, rho=0.9)
    first = run_landscape(opt, bowl, steps=20)
    second = run_landscape(opt, bowl, steps=20)       # a dirty optimizer, reset by the runner
    np.testing.assert_array_equal(first.path, second.path)
    # and the start point is not modified by the run
    assert bowl.start == (-1.8, 0.6)


def test_divergence_on_the_bowl_is_reported_without_warnings(bowl):
    # lr = 0.25 > 2/10: y is multiplied by 1 - 0.25*10 = -1.5 each step, x by 0.75.
    # Hand iteration: first t with f = (x_t**2 + 10*y_t**2)/2 > blowup = 1e10.
    x, y = bowl.start
    t, expected = 0, None
    while expected is None:
        t += 1
        x, y = 0.75 * x, -1.5 * y
        if (x * x + 10 * y * y) / 2 > 1e10:
            expected = t
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # any warning fails the test
        run = run_landscape(SGD(lr=0.25), bowl, steps=100)
    assert run.diverged
    assert type(run.diverged_at) is int and run.diverged_at == expected == 28
    assert len(run.path) == len(run.losses) == expected     # the diverged point is not stored
    assert np.all(np.isfinite(run.losses)) and run.losses.max() <= 1e10
    assert "diverged at step 28" in repr(run)


def test_divergence_to_inf_and_nan_is_reported_without_warnings(bowl):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = run_landscape(SGD(lr=1e200), bowl, steps=10, blowup=np.inf)
        rb = run_landscape(SGD(lr=1e200), rosenbrock(), steps=10, blowup=np.inf)
    assert run.diverged_at == 1 and rb.diverged_at == 1
    np.testing.assert_array_equal(run.path, [bowl.start])


def test_steps_to():
    run = Run("r", np.zeros((5, 2)), np.array([5.0, 3.0, 1.0, 0.5, 2.0]))
    assert run.steps_to(10.0) == 0
    assert run.steps_to(3.0) == 1          # "at or below"
    assert run.steps_to(0.9) == 3
    assert run.steps_to(0.1) is None


def test_steps_to_on_a_real_run(bowl):
    run = run_landscape(SGD(lr=0.1), bowl, steps=200)
    t = run.steps_to(1e-6)
    assert isinstance(t, int) and run.losses[t] <= 1e-6 < run.losses[t - 1]
    # x shrinks by 0.9 per step (y vanishes after step 1): 0.5*1.8**2*0.81**t <= 1e-6
    assert t == int(np.ceil(np.log(1e-6 / (0.5 * 1.8 ** 2)) / np.log(0.81)))


def test_run_landscape_bad_arguments(bowl):
    with pytest.raises(TypeError, match=r"^opt must"):
        run_landscape("SGD", bowl)
    with pytest.raises(TypeError, match=r"^opt must"):
        run_landscape(SGD, bowl)                       # the class, not an instance
    for steps in (-1, 2.5, True):
        with pytest.raises(ValueError, match=r"^steps must"):
            run_landscape(SGD(lr=0.1), bowl, steps=steps)
    with pytest.raises(ValueError, match=r"^start must have 2"):
        run_landscape(SGD(lr=0.1), bowl, start=(1.0, 2.0, 3.0))


# --------------------------------------------------------------------------- fit_linear_classifier

def test_full_batch_gd_learns_digits(digits):
    # measured: val accuracy 0.944 and training loss 9.0 -> 0.22 after 50 epochs
    hist = fit_linear_classifier(SGD(lr=0.5), digits, epochs=50)
    assert not hist.diverged
    assert len(hist.losses) == 50                      # one update per epoch
    assert len(hist.epoch_train_loss) == len(hist.train_acc) == len(hist.val_acc) == 51
    assert hist.grad_evals == [1079 * k for k in range(1, 51)]
    W0 = init_weights(10, 65, seed=0)
    assert hist.epoch_train_loss[0] == pytest.approx(svm_loss_vectorized(W0, digits.X_train, digits.y_train, 1e-3)[0])
    assert hist.losses[0] == hist.epoch_train_loss[0]   # full batch: the same loss
    assert hist.epoch_train_loss[-1] < 0.1 * hist.epoch_train_loss[0]
    assert hist.val_acc[0] < 0.3 and hist.val_acc[-1] > 0.90
    assert hist.val_acc[-1] == accuracy(hist.W, digits.X_val, digits.y_val)
    assert hist.W.shape == (10, 65)


def test_w0_is_copied_and_used(digits):
    W0 = np.zeros((10, 65))
    hist = fit_linear_classifier(SGD(lr=0.1), digits, epochs=1, W0=W0)
    np.testing.assert_array_equal(W0, 0.0)
    # all scores 0: every margin is 1, loss = 9 (reg term 0)
    assert hist.losses[0] == pytest.approx(9.0)
    assert np.abs(hist.W).max() > 0


def test_minibatch_training_is_deterministic_given_seed(digits):
    def fit(seed):
        return fit_linear_classifier(Momentum(lr=0.05, rho=0.9), digits, epochs=2,
                                     batch_size=64, seed=seed)

    a, b, c = fit(3), fit(3), fit(4)
    np.testing.assert_array_equal(a.W, b.W)
    assert a.losses == b.losses and a.val_acc == b.val_acc
    assert not np.array_equal(a.W, c.W)
    assert len(a.losses) == 2 * 17                     # ceil(1079/64) = 17 batches per epoch
    assert a.grad_evals[16] == 1079 and a.grad_evals[-1] == 2 * 1079
    assert a.epoch_train_loss[-1] < a.epoch_train_loss[0]


@pytest.mark.parametrize("opt,reg", [(SGD(lr=1e10), 1.0), (SGD(lr=1e8), 1e-3), (Adam(lr=1e300), 1e-3)])
def test_divergence_is_detected_with_a_huge_lr(digits, opt, reg):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hist = fit_linear_classifier(opt, digits, epochs=60, reg=reg)
    assert hist.diverged
    assert type(hist.diverged_at) is int and 1 <= hist.diverged_at < 60
    assert len(hist.losses) == hist.diverged_at         # the losses before it, all finite
    assert np.all(np.isfinite(hist.losses))


def test_fit_bad_arguments(digits):
    with pytest.raises(TypeError, match=r"^opt must"):
        fit_linear_classifier(None, digits)
    for epochs in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match=r"^epochs must"):
            fit_linear_classifier(SGD(lr=0.1), digits, epochs=epochs)
    for batch_size in (0, -8, 32.0, False):
        with pytest.raises(ValueError, match=r"^batch_size must"):
            fit_linear_classifier(SGD(lr=0.1), digits, batch_size=batch_size)
    with pytest.raises(ValueError, match=r"^W0 must have shape \(10, 65\)"):
        fit_linear_classifier(SGD(lr=0.1), digits, W0=np.zeros((10, 64)))


def test_init_weights():
    W = init_weights(10, 65, seed=2, scale=0.5)
    np.testing.assert_array_equal(W, 0.5 * np.random.default_rng(2).standard_normal((10, 65)))
