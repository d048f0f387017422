"""How close each update rule's `step` comes to the memory-bandwidth limit.

For every optimizer in optim_lib.OPTIMIZERS, on 4 million float64 parameters: the time of
one `step`, the bytes the rule must at least move (e.g. SGD reads w and dw and writes w:
3 arrays), the effective bandwidth that implies, and that bandwidth as a fraction of the
machine's own copy bandwidth (`np.copyto` on arrays of the same size: read one, write one),
all measured in this one run. Target: every rule at or above 40% of the copy bandwidth.

Run: `make bench` or `.venv/bin/python bench/step.py`.
"""

from __future__ import annotations

import time

import numpy as np

from optim_lib import OPTIMIZERS, SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp

N = 4_000_000
TARGET = 0.40
# Arrays each rule must at least read and write once per step (w, dw and its state).
MIN_ARRAYS = {
    SGD: ("read w, dw; write w", 3),
    Momentum: ("read w, dw, v; write v, w", 5),
    Nesterov: ("read w, dw, v; write v, w", 5),
    AdaGrad: ("read w, dw, G; write G, w", 5),
    RMSProp: ("read w, dw, s; write s, w", 5),
    Adam: ("read w, dw, m, v; write m, v, w", 7),
}


def best_of(fn, repeats=7):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    missing = [cls.__name__ for cls in OPTIMIZERS if cls not in MIN_ARRAYS]
    if missing:
        raise SystemExit(f"add the minimal traffic of {missing} to MIN_ARRAYS")
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal(N)
    dw = rng.standard_normal(N) * 1e-3
    src, dst = rng.standard_normal(N), np.empty(N)

    itemsize = w0.itemsize
    rows = []
    copy_time = best_of(lambda: np.copyto(dst, src))
    for cls in OPTIMIZERS:
        opt = cls()
        w = w0.copy()
        opt.step(w, dw)                       # creates the state (not timed)
        t = best_of(lambda: opt.step(w, dw))
        copy_time = min(copy_time, best_of(lambda: np.copyto(dst, src), 3))  # interleaved
        what, arrays = MIN_ARRAYS[cls]
        rows.append((cls.__name__, t, what, arrays))
    copy_bw = 2 * N * itemsize / copy_time

    print(f"One step on {N:,} float64 parameters ({N * itemsize / 1e6:.0f} MB per array)")
    print(f"machine copy bandwidth (np.copyto, read+write): {copy_bw / 1e9:.2f} GB/s\n")
    print(f"{'rule':9s} {'step ms':>8s} {'min traffic':>12s} {'GB/s':>7s} {'of copy':>8s}  target >= {TARGET:.0%}")
    ok = True
    for name, t, what, arrays in rows:
        bw = arrays * N * itemsize / t
        frac = bw / copy_bw
        ok &= frac >= TARGET
        print(f"{name:9s} {t * 1e3:8.2f} {arrays * N * itemsize / 1e6:9.0f} MB {bw / 1e9:7.2f} {frac:8.0%}"
              f"  {'OK' if frac >= TARGET else 'MISSED'}   ({what})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
