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
