"""How close each update rule's `step` comes to the memory-bandwidth limit.

For every optimizer in optim_lib.OPTIMIZERS, on 4 million float64 parameters: the time of
one `step`, the bytes the rule must at least move (SGD reads w and dw and writes w: 3
arrays), the effective bandwidth that implies, and that bandwidth as a fraction of the
machine's own copy bandwidth (`np.copyto` on arrays of the same size), measured in the same
run (optim_lib.cost.measure_steps). Target: every rule at or above 40% of the copy bandwidth.

Run: `make bench` or `.venv/bin/python bench/step.py`.
"""

from __future__ import annotations

from optim_lib import OPTIMIZERS
from optim_lib.cost import measure_steps

N = 4_000_000
TARGET = 0.40


def main():
    rows = measure_steps(OPTIMIZERS, n=N)
    mb = rows[0].nbytes / 1e6
    print(f"One step on {N:,} float64 parameters ({mb:.0f} MB per array)")
    print(f"machine copy bandwidth (np.copyto, read + write): {rows[0].copy_bandwidth / 1e9:.2f} GB/s\n")
    print(f"{'rule':9s} {'step ms':>8s} {'min traffic':>12s} {'GB/s':>7s} {'of copy':>8s}"
          f"  target >= {TARGET:.0%}")
    ok = True
    for r in rows:
        good = r.fraction_of_copy >= TARGET
        ok &= good
        print(f"{r.name:9s} {r.seconds * 1e3:8.2f} {r.min_bytes / 1e6:9.0f} MB "
              f"{r.bandwidth / 1e9:7.2f} {r.fraction_of_copy:8.0%}  {'OK' if good else 'MISSED'}"
              f"   (read {', '.join(r.reads)}; write {', '.join(r.writes)})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
