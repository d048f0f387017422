"""Training the network of :mod:`optim_lib.nn`: many optimizers and seeds at once.

:func:`train_networks` trains a grid of networks in one loop: one *group* per
optimizer (e.g. one per learning rate of a sweep) times one network per *seed*.
Network ``(g, s)`` starts from the weights drawn with seed ``s`` and sees the
minibatches in the order drawn with seed ``s``, whatever its group: within a seed,
the optimizers differ and nothing else does.

All ``G x S`` networks live in one array of shape ``(G, S, n_params)``. Each forward
and backward pass handles all of them with stacked matrix products, and each
group's optimizer updates its own ``(S, n_params)`` block in place with one
``step``. The update rules are element-wise, so this is exactly ``S`` separate
trainings per optimizer (``tests/test_nn.py`` checks it against one-at-a-time
training), at a fraction of the Python overhead. With ``groups=G``, one optimizer whose
hyperparameters are arrays of shape ``(G, 1, 1)`` steps all ``G x S`` networks at once (the
protocol's stacked trials, :mod:`optim_lib.protocol`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks
from .data import DigitsSplit
from .nn import MLP

__all__ = ["NetRuns", "train_networks", "digits_features", "check_runs"]


def digits_features(data: DigitsSplit):
    """The network's inputs: the centred pixels without the bias column (the layers have biases)."""
    if not isinstance(data, DigitsSplit):
        raise TypeError(f"data must be a DigitsSplit (optim_lib.data.load_digits_split), "
                        f"got {type(data).__name__}")
    return data.X_train[:, :-1], data.X_val[:, :-1], data.X_test[:, :-1]


@dataclass
class NetRuns:
    """What :func:`train_networks` measured, for ``G`` optimizers x ``S`` seeds.

    Attributes:
        net: the :class:`~optim_lib.nn.MLP`.
        seeds: the seeds, one per column.
        checkpoints: the epochs after which the networks were evaluated (increasing).
        params: the parameters at each checkpoint, shape ``(len(checkpoints), G, S, n_params)``.
        val_acc: validation accuracy at each checkpoint, shape ``(len(checkpoints), G, S)``;
            nan for a network that diverged before it. (Test accuracy is not measured here:
            read it once, for the networks you chose, with :meth:`test_accuracy`.)
        step_loss: the minibatch cross-entropy of every update (without any L2 penalty),
            shape ``(updates, G, S)``.
        epoch_loss: the mean of ``step_loss`` over each epoch, shape ``(epochs, G, S)``.
        diverged_at: the first update whose loss was not finite, per network, or -1.
        steps_per_epoch: updates per epoch.
    """

    net: MLP
    seeds: tuple
    checkpoints: tuple
    params: np.ndarray
    val_acc: np.ndarray
    step_loss: np.ndarray
    epoch_loss: np.ndarray
    diverged_at: np.ndarray
    steps_per_epoch: int

    @property
    def diverged(self) -> np.ndarray:
        """Whether each network ``(g, s)`` diverged, shape ``(G, S)``."""
        return self.diverged_at >= 0

    def test_accuracy(self, data: DigitsSplit, epoch: int, group: int) -> np.ndarray:
        """Test accuracy of group ``group``'s networks after ``epoch``, one per seed."""
        _, _, X_test = digits_features(data)
        params = self.params[self.at(epoch), group]
        acc = self.net.accuracy(params, X_test.astype(params.dtype), data.y_test)
        return np.where(self.diverged[group], np.nan, acc)

    def select(self, groups) -> "NetRuns":
        """The same runs restricted to the groups ``groups`` (indices, in that order)."""
        idx = np.asarray(groups)
        n = self.val_acc.shape[1]
        if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer) or idx.size == 0 \
                or idx.min() < -n or idx.max() >= n:
            raise ValueError(f"groups must be a non-empty list of group indices below {n}, "
                             f"got {groups!r}")
        return NetRuns(self.net, self.seeds, self.checkpoints, self.params[:, idx],
                       self.val_acc[:, idx], self.step_loss[:, idx], self.epoch_loss[:, idx],
                       self.diverged_at[idx], self.steps_per_epoch)

    def at(self, epoch: int) -> int:
        """The index of checkpoint ``epoch``."""
        if epoch not in self.checkpoints:
            raise ValueError(f"epoch must be one of the checkpoints {self.checkpoints}, got {epoch!r}")
        return self.checkpoints.index(epoch)


def train_networks(net: MLP, optimizers, data: DigitsSplit, seeds=tuple(range(10)),
                   epochs: int = 20, batch_size: int = 64, reg: float = 0.0,
                   checkpoints=None, dtype=np.float32, groups: int | None = None) -> NetRuns:
    """Train ``len(optimizers) x len(seeds)`` networks on digits with minibatches.

    Args:
        net: the network (its input width must be 64, the pixels).
        optimizers: a list of optim_lib optimizers, one group each (reset first). Use
            distinct instances: each keeps the state of its own group.
        data: a :class:`~optim_lib.data.DigitsSplit`.
        seeds: the seeds; seed ``s`` draws the initial weights and the minibatch order.
        epochs: passes over the training set.
        batch_size: samples per update (the last batch of an epoch is smaller).
        reg: the L2 penalty ``reg/2 · ‖params‖²`` added to the loss (its gradient
            ``reg · params`` then reaches the optimizer with the data's gradient): one
            number for every group, or one per group.
        checkpoints: the epochs after which to evaluate (default: the last only).
        dtype: the float type of the parameters and the data. float32, as in the deep-learning
            frameworks: about three times faster here than float64, and ample for training
            (the gradient *checks* run in float64, where finite differences need the digits).
        groups: None (``optimizers`` is a list, one per group), or the number of groups
            ``G`` when ``optimizers`` is ONE optimizer whose hyperparameters are arrays of
            shape ``(G, 1, 1)`` (:meth:`optim_lib.search_space.Trials.optimizer`): it steps
            all the parameters, shape ``(G, S, n_params)``, at once.
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an optim_lib.nn.MLP, got {type(net).__name__}")
    if groups is None:
        optimizers = checks.optimizers(optimizers)
        G = len(optimizers)
    else:
        G = checks.count("groups", groups)
        optimizers = [checks.optimizer(optimizers, "optimizers")]
    seeds = checks.seeds(seeds)
    epochs = checks.count("epochs", epochs)
    batch_size = checks.count("batch_size", batch_size)
    checkpoints = checks.checkpoints(checkpoints, epochs)
    dtype = checks.float_dtype(dtype)
    X, X_val, _ = digits_features(data)
    X, X_val = X.astype(dtype), X_val.astype(dtype)
    if X.shape[1] != net.sizes[0]:
        raise ValueError(f"net takes {net.sizes[0]} inputs but digits have {X.shape[1]} pixels")
    y = data.y_train
    S = len(seeds)
    try:
        regs = np.array(reg, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"reg must be a number >= 0 or one per optimizer ({G}), got {reg!r}") from None
    if regs.ndim == 0 and not isinstance(reg, bool):
        regs = np.full(G, float(regs))
    if regs.shape != (G,) or not (np.all(np.isfinite(regs)) and np.all(regs >= 0)):
        raise ValueError(f"reg must be a number >= 0 or one per optimizer ({G}), got {reg!r}")
    penalty = regs.astype(dtype)[:, None, None]                       # (G, 1, 1)

    first = np.stack([net.init(s) for s in seeds]).astype(dtype)      # (S, P)
    params = np.repeat(first[None], G, axis=0)                        # (G, S, P), a copy
    rngs = [np.random.default_rng(s) for s in seeds]
    for opt in optimizers:
        opt.reset()
    n = len(y)
    per_epoch = -(-n // batch_size)
    step_loss = np.empty((epochs * per_epoch, G, S))
    diverged_at = np.full((G, S), -1)
    saved, val_acc = [], []
    t = 0
    with np.errstate(all="ignore"):   # a diverging network overflows; it is recorded below
        for epoch in range(1, epochs + 1):
            orders = np.stack([rng.permutation(n) for rng in rngs])   # (S, n)
            for start in range(0, n, batch_size):
                idx = orders[:, start:start + batch_size]             # (S, B)
                loss, grad = net.loss_and_grad(params, X[idx], y[idx])
                if regs.any():
                    grad += penalty * params                          # d(reg/2 ‖θ‖²)/dθ
                step_loss[t] = loss
                bad = ~np.isfinite(loss) & (diverged_at < 0)
                diverged_at[bad] = t
                if groups is not None:                                # one step for all
                    optimizers[0].step(params, grad)
                else:
                    for g, opt in enumerate(optimizers):              # one step per group
                        opt.step(params[g], grad[g])
                t += 1
            if epoch in checkpoints:
                saved.append(params.copy())
                acc = net.accuracy(params, X_val, data.y_val)
                val_acc.append(np.where(diverged_at >= 0, np.nan, acc))
    epoch_loss = step_loss.reshape(epochs, per_epoch, G, S).mean(axis=1)
    return NetRuns(net, seeds, checkpoints, np.array(saved), np.array(val_acc), step_loss, epoch_loss, diverged_at, per_epoch)


def check_runs(runs: dict, n_groups: int, grid: str, name: str = "runs",
               keys=None) -> dict:
    """Check ``runs``, a dict ``name -> NetRuns`` with ``n_groups`` groups each (one per
    value of the grid named ``grid``): the keys ``keys`` (default: all) must be present."""
    if not isinstance(runs, dict) or not runs:
        raise ValueError(f"{name} must be a non-empty dict name -> NetRuns, got {runs!r}")
    keys = tuple(runs) if keys is None else tuple(keys)
    missing = [k for k in keys if k not in runs]
    if missing:
        raise ValueError(f"{name} must hold a NetRuns for every optimizer; missing {missing}")
    for k in keys:
        r = runs[k]
        if not isinstance(r, NetRuns):
            raise TypeError(f"{name}[{k!r}] must be a NetRuns, got {type(r).__name__}")
        if r.val_acc.shape[1] != n_groups:
            raise ValueError(f"{name}[{k!r}] has {r.val_acc.shape[1]} groups, but {grid} has "
                             f"{n_groups} values")
    return runs
