"""Naive (loops) vs vectorized SVM loss + gradient, timed side by side in one run.

Target: the vectorized version is at least 30x faster on 1,000 digits samples.
Run: `make bench` or `.venv/bin/python bench/loss.py`.
"""

from __future__ import annotations

import numpy as np

from optim_lib.cost import best_time
from optim_lib.data import load_digits_split
from optim_lib.losses import svm_loss_naive, svm_loss_vectorized
from optim_lib.train import init_weights

TARGET = 30.0


def main():
    data = load_digits_split(seed=0)
    X = np.vstack([data.X_train, data.X_val])[:1000]
    y = np.concatenate([data.y_train, data.y_val])[:1000]
    W = init_weights(10, X.shape[1], seed=0, scale=1e-2)
    reg = 1e-3

    loss_n, dW_n = svm_loss_naive(W, X, y, reg)
    loss_v, dW_v = svm_loss_vectorized(W, X, y, reg)
    assert np.isclose(loss_n, loss_v) and np.allclose(dW_n, dW_v), "the two versions disagree"

    # Interleave the two so that a burst of load on the shared machine hits both.
    t_naive, t_vec = [], []
    for _ in range(5):
        t_naive.append(best_time(lambda: svm_loss_naive(W, X, y, reg), 1))
        t_vec.append(best_time(lambda: svm_loss_vectorized(W, X, y, reg), 20))
    naive, vec = min(t_naive), min(t_vec)
    ratio = naive / vec
    print(f"SVM loss + gradient on {len(y)} samples, W {W.shape}")
    print(f"  naive      {naive * 1e3:8.2f} ms")
    print(f"  vectorized {vec * 1e3:8.2f} ms")
    print(f"  ratio      {ratio:8.1f}x   (target >= {TARGET:.0f}x: {'OK' if ratio >= TARGET else 'MISSED'})")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
