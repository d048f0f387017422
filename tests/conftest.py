"""Shared test settings.

The arrays here are tiny (at most 1079 x 65): BLAS threads only add overhead, and on a
busy 2-core machine they oversubscribe it (a 50-epoch fit goes from 0.04 s to 2 s).
"""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


@pytest.fixture
def explorer():
    """A trajectory explorer (SGD and Momentum on a bowl, one lr slider), and its bowl."""
    from optim_lib import SGD, Momentum, widgets
    from optim_lib.landscapes import ill_conditioned_bowl

    bowl = ill_conditioned_bowl(10)
    return bowl, widgets.trajectory_explorer(
        bowl, {"SGD": lambda lr: SGD(lr=lr), "Momentum": lambda lr: Momentum(lr=lr, rho=0.9)},
        [widgets.float_slider("lr", 0.01, 0.19, 0.05)], steps=30)


@pytest.fixture(autouse=True)
def _close_figures():
    """Every test starts without the figures of the tests before it."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")

# The browser fixtures (tests/site, tests/live) are defined once here, so both folders share
# one Playwright session: two sync Playwright instances cannot live in one process.
from browser_support import browser, site  # noqa: E402,F401
