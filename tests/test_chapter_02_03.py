"""Library code added for chapters 2 and 3: plots.table, losses.svm_kinks_crossed and the
numeric_gradient_explorer / gradient_check_explorer of optim_lib.widgets."""


import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from optim_lib.gradcheck import numeric_gradient  # noqa: E402
from optim_lib.losses import svm_kinks_crossed, svm_loss_vectorized  # noqa: E402
from optim_lib.plots import table  # noqa: E402
from optim_lib.widgets import gradient_check_explorer, numeric_gradient_explorer  # noqa: E402


def small_problem(seed=0, scale=0.5):
    rng = np.random.default_rng(seed)
    W = scale * rng.standard_normal((4, 6))
    X = rng.standard_normal((30, 6))
    y = rng.integers(0, 4, size=30)
    return W, X, y


# --- plots.table -----------------------------------------------------------------------------

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


# --- losses.svm_kinks_crossed ----------------------------------------------------------------

def brute_force_kinks(W, X, y, index, h):
    """Count hinge terms whose margin changes sign (or touches 0) between W[index] -+ h."""
    count = 0
    for sign_pair in [(-h, h)]:
        lo, hi = W.copy(), W.copy()
        lo[index] += sign_pair[0]
        hi[index] += sign_pair[1]
        for i in range(X.shape[0]):
            s_lo, s_hi = lo @ X[i], hi @ X[i]
            for j in range(W.shape[0]):
                if j == y[i]:
                    continue
                m_lo = s_lo[j] - s_lo[y[i]] + 1
                m_hi = s_hi[j] - s_hi[y[i]] + 1
                moved = not np.isclose(m_lo, m_hi, rtol=0, atol=1e-15)
                if moved and m_lo * m_hi <= 0:
                    count += 1
    return count


@pytest.mark.parametrize("h", [1e-3, 0.05, 0.3])
def test_kinks_match_brute_force(h):
    W, X, y = small_problem()
    for index in [(0, 0), (1, 3), (3, 5), (2, 2)]:
        assert svm_kinks_crossed(W, X, y, index, h) == brute_force_kinks(W, X, y, index, h)


def test_no_kink_means_the_centered_difference_is_exact():
    W, X, y = small_problem(seed=2)
    h = 1e-4
    f = lambda V: svm_loss_vectorized(V, X, y, 0.1)[0]  # noqa: E731
    dW = svm_loss_vectorized(W, X, y, 0.1)[1]
    num = numeric_gradient(f, W.copy(), h=h)
    free = [ix for ix in np.ndindex(W.shape) if svm_kinks_crossed(W, X, y, ix, h) == 0]
    assert len(free) > W.size // 2
    for ix in free:
        assert num[ix] == pytest.approx(dW[ix], rel=1e-6, abs=1e-9)


def test_kinks_grow_with_h_and_vanish_for_a_blank_feature():
    W, X, y = small_problem()
    counts = [svm_kinks_crossed(W, X, y, (1, 2), h) for h in (1e-4, 1e-2, 1.0)]
    assert counts == sorted(counts) and counts[-1] > 0
    X[:, 4] = 0.0
    assert svm_kinks_crossed(W, X, y, (0, 4), 10.0) == 0


@pytest.mark.parametrize("kw, match", [
    (dict(h=0.0), "h must be a finite number > 0, got 0.0"),
    (dict(h=float("inf")), "h must be a finite number > 0"),
    (dict(index=(4, 0)), r"index must lie inside W's shape \(4, 6\), got \(4, 0\)"),
    (dict(index=(0, -1)), "index must lie inside"),
    (dict(index=3), "index must be a pair"),
])
def test_kinks_bad_arguments(kw, match):
    W, X, y = small_problem()
    args = dict(index=(0, 0), h=1e-3)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        svm_kinks_crossed(W, X, y, **args)


# --- widgets ---------------------------------------------------------------------------------

def svm_setup():
    W, X, y = small_problem()
    f = lambda V: svm_loss_vectorized(V, X, y, 1e-3)[0]  # noqa: E731
    return W, X, y, f, svm_loss_vectorized(W, X, y, 1e-3)[1]


def test_numeric_gradient_explorer_updates_and_snaps_h():
    W, X, y, f, dW = svm_setup()
    ex = numeric_gradient_explorer(f, W, dW, num_checks=6)
    assert set(ex.controls) == {"h", "method"}
    ex.update(h=1e-3, method="forward")
    assert ex.fig.axes[1].get_title().startswith("forward, h = 1e-03")
    ex.update(h=2e-7, method="centered")      # snapped to the nearest grid value
    title = ex.fig.axes[1].get_title()
    assert title.startswith("centered, h = 1e-07")


def test_numeric_gradient_explorer_leaves_x_alone_and_validates():
    W, X, y, f, dW = svm_setup()
    before = W.copy()
    numeric_gradient_explorer(f, W, dW, num_checks=3)
    np.testing.assert_array_equal(W, before)
    with pytest.raises(ValueError, match="method must be one of"):
        numeric_gradient_explorer(f, W, dW, method="backward")
    with pytest.raises(ValueError, match=r"h must lie in \[1e-12, 0.1\]"):
        numeric_gradient_explorer(f, W, dW, h=1.0)
    with pytest.raises(ValueError, match="hs must be at least two increasing positive numbers"):
        numeric_gradient_explorer(f, W, dW, hs=(1e-3, 1e-5))


def test_gradient_check_explorer_separates_a_bug_from_the_truth():
    W, X, y = small_problem()

    def buggy(W, X, y, reg):
        loss, dW = svm_loss_vectorized(W, X, y, reg)
        return loss, dW - reg * W

    ex = gradient_check_explorer({"correct": svm_loss_vectorized, "buggy": buggy}, W, X, y,
                                 regs=(1e-3, 10.0), hs=(1e-6, 1e-5), num_checks=5)
    ex.update(reg=10.0, h=1e-5)
    lines = {ln.get_label(): ln for ln in ex.fig.axes[0].get_lines()}
    assert lines["correct"].get_ydata().max() < 1e-6
    assert lines["buggy"].get_ydata().max() > 1e-2
    assert "reg = 10" in ex.fig.axes[0].get_title()
    ex.update(reg=1e-3, h=1e-6)
    assert "reg = 0.001" in ex.fig.axes[0].get_title()


@pytest.mark.parametrize("kw, match", [
    (dict(loss_fns={}), "loss_fns must be a non-empty dict"),
    (dict(loss_fns={"a": 3}), "loss_fns must be a non-empty dict"),
    (dict(regs=(1.0,)), "regs must be at least two"),
    (dict(reg=100.0), r"reg must lie in \[0.001, 10\], got 100.0"),
    (dict(h=1.0), r"h must lie in \[1e-09, 0.1\], got 1.0"),
])
def test_gradient_check_explorer_bad_arguments(kw, match):
    W, X, y = small_problem()
    args = dict(loss_fns={"correct": svm_loss_vectorized}, W=W, X=X, y=y,
                regs=(1e-3, 10.0), num_checks=2)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        gradient_check_explorer(**args)
