"""optim_lib.course.orthogonal_explorer: singular values through Newton–Schulz, drawn."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from optim_lib.course.orthogonal_explorer import POLYNOMIALS, newton_schulz_explorer  # noqa: E402
from optim_lib.optimizers import newton_schulz  # noqa: E402


def test_draws_the_singular_values_after_each_number_of_iterations():
    G = np.random.default_rng(0).standard_normal((6, 4)) @ np.diag([10, 1, 0.1, 0.01])
    ex = newton_schulz_explorer(G)
    ax, ax_s = ex.fig.axes
    for steps in (0, 2, 5):
        for name, coef in POLYNOMIALS.items():
            ex.update(steps=steps, polynomial=name)
            s = np.linalg.svd(newton_schulz(G, coef, steps=steps), compute_uv=False)
            np.testing.assert_allclose(ax_s.lines[1].get_ydata(), np.maximum(s, 1e-12))
            # the scalar map is the singular values' map: p∘…∘p(s/‖G‖_F) = after
            s0 = np.linalg.svd(G, compute_uv=False) / np.linalg.norm(G)
            x = s0.copy()
            for _ in range(steps):
                x = coef[0] * x + coef[1] * x**3 + coef[2] * x**5
            np.testing.assert_allclose(np.sort(np.abs(x))[::-1], s, rtol=1e-9, atol=1e-12)
    assert "5 iterations" in ax_s.get_title()


def test_rejects_bad_input():
    with pytest.raises(ValueError, match="G must be"):
        newton_schulz_explorer(np.ones(4))
    with pytest.raises(ValueError, match="max_steps"):
        newton_schulz_explorer(np.eye(3), max_steps=0)
