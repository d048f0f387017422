"""The 2-D test functions (optim_lib.landscapes): gradients, minima, grid, noise, checks."""

import numpy as np
import pytest

from optim_lib import landscapes as L
from optim_lib.gradcheck import numeric_gradient, relative_error

MAKERS = {
    "parabola": L.parabola,
    "bowl": lambda: L.ill_conditioned_bowl(10),
    "saddle": L.saddle,
    "local minimum": L.local_minimum,
    "rosenbrock": L.rosenbrock,
}


@pytest.fixture(params=list(MAKERS))
def landscape(request):
    return MAKERS[request.param]()


def points(ls, n=6, seed=0):
    rng = np.random.default_rng(seed)
    return [np.array(ls.start, dtype=float)] + [rng.uniform(-1.5, 1.5, ls.dim) for _ in range(n)]


def test_gradient_matches_centered_numeric_gradient(landscape):
    for p in points(landscape):
        num = numeric_gradient(landscape, p.copy(), h=1e-5, method="centered")
        exact = landscape.grad(p)
        assert exact.shape == p.shape
        assert relative_error(exact, num).max() < 1e-7, (landscape.name, p)


@pytest.mark.parametrize("kw", [dict(a=3.0), dict(a=0.5, b=10.0)])
def test_rosenbrock_parameters_enter_the_gradient(kw):
    ls = L.rosenbrock(**kw)
    for p in points(ls, seed=1):
        assert relative_error(ls.grad(p), numeric_gradient(ls, p.copy(), h=1e-5)).max() < 1e-7
    a = kw["a"]
    assert ls.minima[0] == (a, a * a)


def test_gradient_vanishes_at_every_listed_minimum_and_they_are_minima(landscape):
    rng = np.random.default_rng(2)
    for m in landscape.minima:
        m = np.array(m, dtype=float)
        np.testing.assert_allclose(landscape.grad(m), 0.0, atol=1e-12)
        # a minimum, not just a stationary point: every small move goes up
        for d in 1e-3 * rng.standard_normal((20, landscape.dim)):
            assert landscape(m + d) > landscape(m)


def test_saddle_point_of_saddle_has_zero_gradient_but_is_not_a_minimum():
    ls = L.saddle()
    np.testing.assert_array_equal(ls.grad([0.0, 0.0]), [0.0, 0.0])
    assert ls([0.0, 0.1]) < ls([0.0, 0.0]) < ls([0.1, 0.0])


def test_local_minimum_has_its_minima_and_bump_where_the_docstring_says():
    ls = L.local_minimum()
    (left, _), (right, _) = ls.minima
    assert left == pytest.approx(-1.06, abs=0.01) and right == pytest.approx(0.93, abs=0.01)
    assert ls(ls.minima[0]) < ls(ls.minima[1])     # the left one is the global one
    bump = np.sort(np.roots([4.0, 0.0, -4.0, 0.5]).real)[1]   # 4x**3 - 4x + 0.5 = 0
    assert bump == pytest.approx(0.13, abs=0.01)
    assert ls([bump, 0.0]) > ls(ls.minima[1])      # a real bump between the two wells
    assert ls.start[0] > bump                      # the start is on the local minimum's side


def test_first_minimum_has_the_lowest_value(landscape):
    values = [landscape(np.array(m, dtype=float)) for m in landscape.minima]
    assert values[0] == min(values)
    assert landscape.min_value == values[0]
    if landscape.dim == 2:   # and nothing in the drawn window is lower
        _, _, Z = landscape.grid(120)
        assert Z.min() >= landscape.min_value - 1e-12


def test_known_values():
    assert L.ill_conditioned_bowl(10)([1.0, 1.0]) == 5.5           # (1 + 10)/2
    assert L.saddle()([0.0, 0.0]) == 0.25                            # (0 - 1)**2/4
    assert L.rosenbrock()([0.0, 0.0]) == 1.0                         # (1 - 0)**2 + 0
    assert L.local_minimum()([1.0, 2.0]) == 4.5                      # 0 + 0.5 + 4
    assert L.parabola(4.0)([1.5]) == 4.5                             # 4*2.25/2
    np.testing.assert_array_equal(L.ill_conditioned_bowl(10).grad([1.0, 1.0]), [1.0, 10.0])


@pytest.mark.parametrize("name", [n for n in MAKERS if n != "parabola"])
def test_value_and_gradient_broadcast_over_a_grid(name):
    landscape = MAKERS[name]()
    P = np.random.default_rng(0).uniform(-1, 1, (2, 4, 5))
    Z, G = landscape(P), landscape.grad(P)
    assert Z.shape == (4, 5) and G.shape == (2, 4, 5)
    assert Z[1, 2] == pytest.approx(landscape(P[:, 1, 2]), rel=1e-15)
    np.testing.assert_allclose(G[:, 3, 4], landscape.grad(P[:, 3, 4]), rtol=1e-15)


def test_grid_shape_values_and_cache():
    ls = L.rosenbrock()
    X, Y, Z = ls.grid(30)
    assert X.shape == Y.shape == Z.shape == (30, 30)
    assert (X[0, 0], X[0, -1], Y[0, 0], Y[-1, 0]) == (*ls.xlim, *ls.ylim)
    np.testing.assert_allclose(Z, ls(np.stack([X, Y])))
    assert ls.grid(30) is ls.grid(30)                 # cached
    assert ls.grid(31)[0].shape == (31, 31)
    assert ls.grid(30) is not ls.grid(31)
    with pytest.raises(ValueError, match="2-D"):
        L.parabola().grid(10)


def test_noisy_is_deterministic_given_the_seed_and_exact():
    bowl = L.ill_conditioned_bowl(10)
    p = np.array([0.5, -0.3])
    a, b = L.noisy(bowl, 0.1, seed=3), L.noisy(bowl, 0.1, seed=3)
    ga = [a.grad(p) for _ in range(3)]
    gb = [b.grad(p) for _ in range(3)]
    np.testing.assert_array_equal(ga, gb)
    # exactly grad + sigma * N(0, 1) from default_rng(seed), one draw per call, in order
    rng = np.random.default_rng(3)
    for g in ga:
        np.testing.assert_array_equal(g, bowl.grad(p) + 0.1 * rng.standard_normal(2))
    assert not np.array_equal(ga[0], ga[1])                               # fresh noise per call
    assert not np.array_equal(ga[0], L.noisy(bowl, 0.1, seed=4).grad(p))  # seed matters
    assert a(p) == bowl(p)                                                # the value is exact
    np.testing.assert_array_equal(L.noisy(bowl, 0.0).grad(p), bowl.grad(p))
    assert bowl.grad(p).tolist() == [0.5, -3.0]                           # original untouched
    with pytest.raises(ValueError, match=r"^sigma must"):
        L.noisy(bowl, -0.1)


@pytest.mark.parametrize("bad", [[1.0, 2.0, 3.0], 1.0, [[1.0, 2.0, 3.0]]])
def test_bad_point_shape_raises_naming_p(bad):
    ls = L.ill_conditioned_bowl(10)
    with pytest.raises(ValueError, match=r"^p must have 2 coordinates"):
        ls(bad)
    with pytest.raises(ValueError, match=r"^p must have 2 coordinates"):
        ls.grad(bad)


def test_parabola_wants_one_coordinate():
    with pytest.raises(ValueError, match=r"^p must have 1 coordinates"):
        L.parabola()([1.0, 2.0])


def test_bowl_condition_must_be_at_least_one():
    with pytest.raises(ValueError, match=r"^condition must"):
        L.ill_conditioned_bowl(0.5)


def test_landscapes_registry():
    assert set(L.LANDSCAPES) == {"bowl", "saddle", "local minimum", "rosenbrock"}
    for make in L.LANDSCAPES.values():
        ls = make()
        assert ls.dim == 2 and len(ls.start) == 2 and ls.minima


@pytest.mark.parametrize("name", ["bowl", "saddle", "local minimum", "rosenbrock"])
def test_rotated_keeps_values_turns_points_and_has_the_exact_gradient(name):
    base = MAKERS[name]()
    turned = L.rotated(base, 45)
    a = np.deg2rad(45)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    c = np.array(base.minima[0])
    for p in points(base):
        q = c + R @ (p - c)                       # p, turned about the global minimum
        assert np.isclose(turned(q), base(p), rtol=1e-12, atol=1e-12)
        num = numeric_gradient(turned, q.copy(), h=1e-5, method="centered")
        assert np.allclose(num, turned.grad(q), rtol=1e-6, atol=1e-6)
    assert np.allclose(turned.start, c + R @ (np.array(base.start) - c))
    assert np.isclose(turned.min_value, base.min_value)
    assert np.isclose(turned(turned.start), base(base.start))
    X, Y, Z = turned.grid(7)                      # broadcasting over a grid
    assert Z.shape == (7, 7) and np.isclose(Z[3, 3], turned(np.array([X[3, 3], Y[3, 3]])))


def test_rotated_bowl_is_no_longer_axis_aligned_and_a_full_turn_is_the_identity():
    bowl = L.ill_conditioned_bowl(10)
    diag = L.rotated(bowl, 45)
    g = diag.grad(np.array([1.0, 0.0]))
    assert abs(g[1]) > 1.0                        # the Hessian has off-diagonal terms
    full = L.rotated(bowl, 360)
    p = np.array([0.4, -0.3])
    assert np.allclose(full.grad(p), bowl.grad(p)) and np.isclose(full(p), bowl(p))


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "45", True])
def test_rotated_rejects_bad_degrees_naming_them(bad):
    with pytest.raises(ValueError, match="degrees"):
        L.rotated(L.saddle(), bad)


def test_rotated_wants_a_2d_landscape():
    with pytest.raises(ValueError, match="2-D"):
        L.rotated(L.parabola(), 30)


@pytest.mark.parametrize("name", sorted(L.LANDSCAPES))
def test_rotated_values_and_gradients_are_the_tensordot_products_to_the_bit(name):
    """The turned landscape applies R and Rᵀ with one dot product over the first axis: the
    very numbers of ``np.tensordot(R, p, axes=1)``, for one point, a stack, and a strided view
    (what the race's problems pass)."""
    base = L.LANDSCAPES[name]()
    rng = np.random.default_rng(5)
    for degrees in (45, -17.3):
        turned = L.rotated(base, degrees)
        t = np.deg2rad(degrees)
        R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        c = np.array(base.minima[0], dtype=float)

        def back(p):
            centre = c.reshape((2,) + (1,) * (p.ndim - 1))
            return np.tensordot(R.T, p - centre, axes=1) + centre

        points = [rng.standard_normal(2), rng.standard_normal((2, 7)),
                  np.moveaxis(rng.standard_normal((5, 3, 2)), -1, 0)]
        for p in points:
            want_f = base.f(back(p))
            want_g = np.tensordot(R, np.asarray(base.gradient(back(p)), dtype=float), axes=1)
            assert np.array_equal(turned(p), float(want_f) if p.ndim == 1 else want_f)
            assert np.array_equal(turned.grad(p), want_g)
            assert turned.grad(p).shape == p.shape
