"""`make bench` runs: each quick benchmark script runs to the end and prints its table.

Smoke checks only ("it runs"): no time is asserted here (speed is measured by bench/, side by
side in one run). bench/build.py builds the whole book and is left to `make bench`;
bench/explorers.py runs here on one chapter, which is what broke before (glue's per-cell
limit never reset in its in-process shell).
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("script, args, expect", [
    ("loss.py", [], "vectorized"),
    ("step.py", [], "Adam"),
    ("explorers.py", ["A_cost"], "A_cost_of_a_step "),
])
def test_bench_script_runs(script, args, expect):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env={"MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1",
                               "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert expect in done.stdout, done.stdout[-2000:]
