"""Shared test fixtures.

The BLAS thread count is not set here: the Makefile sets it for every target (one place).
"""

import pytest


@pytest.fixture
def explorer():
    """A trajectory explorer (SGD and Momentum on a bowl, one lr slider), and its bowl."""
    from optim_lib import SGD, Momentum
    from optim_lib.course.explorer import float_slider
    from optim_lib.course.path_explorers import trajectory_explorer
    from optim_lib.landscapes import ill_conditioned_bowl

    bowl = ill_conditioned_bowl(10)
    return bowl, trajectory_explorer(
        bowl, {"SGD": lambda lr: SGD(lr=lr), "Momentum": lambda lr: Momentum(lr=lr, rho=0.9)},
        [float_slider("lr", 0.01, 0.19, 0.05)], steps=30)


@pytest.fixture(autouse=True)
def _close_figures():
    """Every test starts without the figures of the tests before it."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")

# The browser fixtures (tests/site, tests/live) are defined once here, so both folders share
# one Playwright session: two sync Playwright instances cannot live in one process.
from browser_support import browser, site  # noqa: E402,F401
