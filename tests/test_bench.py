"""`make bench` runs: each quick benchmark script runs to the end and prints its table.

Smoke checks ("it runs") and the arithmetic of bench/build.py's budget; no time is asserted
here (speed is measured by bench/, side by side in one run). bench/build.py builds the whole
book and is left to `make bench` (its verdicts are tested here on given timings and logs);
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


def _build_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_build", ROOT / "bench" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_two_kernel_estimate_is_the_makespan_of_the_build_order():
    build = _build_module()
    assert build.makespan([10, 8, 6, 4], workers=2) == 14     # 10+4 | 8+6
    assert build.makespan([4, 6, 8, 10], workers=2) == 16     # 4+8 | 6+10: the order matters
    assert build.makespan([5, 5], workers=1) == 10
    assert build.makespan([3.0] * 4, workers=2) == 6.0
    # a wrong estimate (the sum halved) is not what it reports
    assert build.makespan([12, 1, 1], workers=2) != 7


def test_the_bench_orders_notebooks_as_parallel_execute_does(tmp_path):
    build = _build_module()
    source = (ROOT / "_ext" / "parallel_execute.py").read_text()
    # parallel_execute starts the largest notebook file first; if it changes, so must bench
    assert "outdated.sort(key=lambda r: -Path(r.uri).stat().st_size)" in source
    sizes = {"a.ipynb": 30, "b.ipynb": 10, "c.ipynb": 20}
    for name, size in sizes.items():
        (tmp_path / name).write_text("x" * size)
    assert [p.name for p in build.build_order(tmp_path.glob("*.ipynb"))] == ["a.ipynb", "c.ipynb", "b.ipynb"]


def test_the_budget_is_read_from_a_build_log(tmp_path):
    log = tmp_path / "build.log"
    log.write_text("[parallel_execute] executing 3 notebooks, 2 at a time\n"
                   "[parallel_execute] chapters/07_nesterov.ipynb: 4.0 s\n"
                   "[parallel_execute] chapters/05_sgd.ipynb: 12.5 s\n"
                   "[parallel_execute] chapters/cheat_sheet.ipynb: 2.0 s\n"
                   "[parallel_execute] done in 15.2 s\n")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "build.py"), "--log", str(log)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "sum of the notebooks" in done.stdout and "18.5 s" in done.stdout
    assert "as logged (done in)" in done.stdout and "margin +44.8 s" in done.stdout


def test_clean_builds_judge_the_execution_by_the_slowest_build():
    build = _build_module()
    met = build.clean_summary([66.0, 68.5, 67.1], [57.5, 59.4, 58.2], 0, 0)
    assert "3 clean builds: 66.0-68.5 s (median 67.1 s)" in met
    assert "57.5-59.4 s (median 58.2 s), the slowest OK (target < 60 s), margin +0.6 s" in met
    # one build over the budget is a miss, whatever the others did (not the last, the median
    # or the mean of these three)
    missed = build.clean_summary([70.2, 66.0, 67.0], [61.3, 57.0, 58.0], 0, 0)
    assert "the slowest MISSED (target < 60 s), margin -1.3 s" in missed and "OK" not in missed
    # a build that failed or stopped logs no execution: counted apart, never silently dropped
    partly = build.clean_summary([66.0, 70.0, 200.0], [57.0, 58.0, None], 1, 1)
    assert "margin +2.0 s; 1 of 3 builds logged none" in partly
    assert "logged by no build, no verdict" in build.clean_summary([9.0], [None], 0, 1)
    # an even count has a true median
    assert "(median 68.1 s)" in build.clean_summary([66.0, 70.2], [57.0, 58.0], 0, 0)


def test_clean_builds_read_each_builds_log(monkeypatch, capsys):
    """--clean's wiring: each build's execution and failure reach its line and the summary."""
    import types

    build = _build_module()
    logs = iter([(0, "[parallel_execute] chapters/05_sgd.ipynb: 8.0 s\n"
                     "[parallel_execute] done in 61.3 s\n"),
                 (1, "[parallel_execute] chapters/05_sgd.ipynb: 8.0 s\nExtensionError\n")])

    def fake_run(cmd, **kwargs):
        code, log = next(logs)
        return types.SimpleNamespace(returncode=code, stdout=log, stderr="")

    monkeypatch.setattr(build.subprocess, "run", fake_run)
    monkeypatch.setattr(build, "page_texts", lambda html: {})
    assert build.clean_builds(2) == 1                 # one failed
    out = capsys.readouterr().out
    assert "build 1/2:" in out and "(execution 61.3 s" in out and "exit 0" in out
    assert "build 2/2:" in out and "(execution not logged" in out and "exit 1" in out
    assert "the slowest MISSED (target < 60 s), margin -1.3 s; 1 of 2 builds logged none" in out


def test_other_work_is_the_machines_busy_time_less_the_builds():
    build = _build_module()
    # the machine was busy 130 CPU-s, the build's processes used 118 of them
    assert build.others_cpu((1000.0, 50.0), (1130.0, 168.0)) == 12.0
    assert build.others_cpu(None, (1.0, 1.0)) is None          # not Linux: nothing claimed
    assert build.others_cpu((0.0, 0.0), (10.0, 10.5)) == 0.0   # clock granularity, not negative
    reading = build.machine_cpu()
    if reading is not None:
        assert reading[0] > 0 and reading[1] >= 0
