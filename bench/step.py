"""How close each update rule's `step` comes to the memory-bandwidth limit.

For every optimizer in optim_lib.OPTIMIZERS, on 4 million float64 parameters: the time of
one `step`, the bytes the rule must at least move (SGD reads w and dw and writes w: 3
arrays), the effective bandwidth that implies, and that bandwidth as a fraction of the
machine's own copy bandwidth (`np.copyto` on arrays of the same size), measured in the same
run (optim_lib.cost.measure_steps). Target: every rule at or above 40% of the copy bandwidth.
Large steps use two threads, so the table also shows each rule against the same copy split
over the same threads — the fair ceiling for a two-core step.

Run: `make bench` or `.venv/bin/python bench/step.py`.
"""

from __future__ import annotations

import time

import numpy as np

from optim_lib import OPTIMIZERS, optimizers
from optim_lib.cost import measure_steps

N = 4_000_000
TARGET = 0.40


def threaded_copy_bandwidth(repeats=7):
    """np.copyto split into the optimizers' chunks on their threads: the fair ceiling
    for steps that use both cores (printed for context; the target is against np.copyto)."""
    src, dst = np.random.default_rng(1).standard_normal(N), np.empty(N)
    starts = range(0, N, optimizers.CHUNK)
    lanes = optimizers.WORKERS

    def lane(k):
        for s in starts[k::lanes]:
            np.copyto(dst[s:s + optimizers.CHUNK], src[s:s + optimizers.CHUNK])

    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        list(optimizers._workers().map(lane, range(lanes)))
        best = min(best, time.perf_counter() - t)
    return 2 * src.nbytes / best


def main():
    rows = measure_steps(OPTIMIZERS, n=N)
    copy2 = threaded_copy_bandwidth()
    mb = rows[0].nbytes / 1e6
    print(f"One step on {N:,} float64 parameters ({mb:.0f} MB per array); "
          f"steps run on {optimizers.WORKERS} thread(s)")
    print(f"machine copy bandwidth (np.copyto, read + write): {rows[0].copy_bandwidth / 1e9:.2f} GB/s"
          f"; the same copy on {optimizers.WORKERS} threads: {copy2 / 1e9:.2f} GB/s\n")
    print(f"{'rule':9s} {'step ms':>8s} {'min traffic':>12s} {'GB/s':>7s} {'of copy':>8s}"
          f"  target >= {TARGET:.0%}   {'of threaded copy':>16s}")
    ok = True
    for r in rows:
        good = r.fraction_of_copy >= TARGET
        ok &= good
        print(f"{r.name:9s} {r.seconds * 1e3:8.2f} {r.min_bytes / 1e6:9.0f} MB "
              f"{r.bandwidth / 1e9:7.2f} {r.fraction_of_copy:8.0%}  {'OK    ' if good else 'MISSED'}"
              f"       {r.bandwidth / copy2:16.0%}   (read {', '.join(r.reads)}; "
              f"write {', '.join(r.writes)})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
