"""Explorers of chapters 1 to 5, on the digits data: random search, numeric and analytic
gradients, gradient descent and minibatch SGD.

Each factory computes its runs up front and returns an :class:`~optim_lib.course.explorer.Explorer`
whose sliders only swap line data (see :mod:`optim_lib.course.explorer`).
"""

from __future__ import annotations

import numpy as np

from . import plots
from .. import checks
from .explorer import Explorer, choice, drawn_above, int_slider, log_slider, nearest_index, snap

__all__ = ["random_search_explorer", "numeric_gradient_explorer", "gradient_check_explorer",
           "digits_lr_explorer", "sgd_batch_explorer"]

_REL_FLOOR = 1e-17   # relative errors of exactly 0 are drawn here on log axes


def random_search_explorer(loss_fn, shape, max_tries: int = 400,
                           scales=(1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1), scale: float = 1e-1,
                           seed: int = 0, searches: dict | None = None) -> Explorer:
    """Chapter 1: best loss found by random search against the number of tries.

    One search per scale of ``W`` is run up front (seeded), so moving the sliders
    only redraws. Controls: ``tries`` (how many guesses) and ``scale`` (std of W,
    one of ``scales``; ``scale`` is the default). ``searches`` may hand over searches
    already run (scale -> :class:`~optim_lib.search.SearchResult` of at least
    ``max_tries`` tries, e.g. the chapter's own); their first ``max_tries`` tries are
    shown, and only the missing scales are searched.
    """
    from ..search import SearchResult, random_search

    searches = {} if searches is None else dict(searches)
    results = {}
    for s in scales:
        r = searches.get(s)
        if r is None:
            r = random_search(loss_fn, shape, tries=max_tries, scale=s, seed=seed)
        elif not isinstance(r, SearchResult) or len(r.losses) < max_tries:
            raise ValueError(f"searches[{s!r}] must be a SearchResult of at least {max_tries} "
                             f"tries, got {r!r}")
        losses = np.asarray(r.losses[:max_tries])     # the explorer shows losses only (no W)
        results[s] = SearchResult(None, float(losses.min()), losses)
    fig, (ax,) = plots.figure(width=6.0, height=3.4)
    tries_axis = np.arange(1, max_tries + 1)
    for i, (s, r) in enumerate(results.items()):
        ax.plot(tries_axis, r.best_so_far, color="0.8", lw=1,
                label="best so far, other scales" if i == 0 else None)
    style = plots.style_of("Random search")
    (every,) = ax.plot([], [], ".", color=style["color"], ms=3, label="loss of each try")
    (best,) = ax.plot([], [], color="#0072B2", lw=2, label="best loss so far")
    marker = ax.axvline(1, color="k", ls=":", lw=1)
    # One y-axis for every scale (log: the losses span decades), so that moving the scale
    # control moves the curves, not the axis.
    low = min(r.best_loss for r in results.values())
    high = max(np.percentile(r.losses, 98) for r in results.values())
    if low > 0:
        ax.set_yscale("log")
        ax.set_ylim(low / 1.25, high * 1.25)
    else:
        ax.set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    ax.set(xscale="log", xlabel="number of tries (log scale)", ylabel="SVM loss (log scale)",
           xlim=(1, max_tries))
    ax.legend(loc="center right", fontsize=8)

    def update(tries, scale):
        r = results[scale]
        every.set_data(tries_axis[:tries], r.losses[:tries])
        best.set_data(tries_axis[:tries], r.best_so_far[:tries])
        marker.set_xdata([tries, tries])
        ax.set_title(f"scale {scale:g}, {tries} {'try' if tries == 1 else 'tries'}: "
                     f"best loss {r.best_so_far[tries - 1]:.3f}")

    return Explorer(fig, update, [int_slider("tries", 1, max_tries, max_tries),
                                  choice("scale", scales, scale, description="scale of W")],
                    dynamic=drawn_above(every, best, marker, ax.title))


def numeric_gradient_explorer(f, x, analytic, hs=tuple(10.0 ** np.arange(-12, 0)),
                              num_checks: int = 20, seed: int = 0, h: float = 1e-5,
                              method: str = "centered", title: str | None = None) -> Explorer:
    """Chapter 2: how the step ``h`` and the difference scheme set a numeric gradient's error.

    For every ``h`` in ``hs`` and both schemes, the relative error between the
    numeric partial derivatives of ``f`` at ``x`` and ``analytic`` is computed up
    front on ``num_checks`` coordinates sampled with ``seed``
    (:func:`optim_lib.gradcheck.grad_check`), so the sliders only redraw.
    Left: median error against ``h`` for both schemes, the chosen point marked.
    Right: the error of every sampled coordinate at the chosen ``h`` and scheme.
    Controls: ``h`` (log slider, snapped to the nearest value of ``hs``) and ``method``.
    """
    from ..gradcheck import METHODS, grad_check

    hs = checks.increasing("hs", hs, min_len=2)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not (hs[0] <= h <= hs[-1]):
        raise ValueError(f"h must lie in [{hs[0]:g}, {hs[-1]:g}] (the range of hs), got {h!r}")
    x = np.array(x, dtype=float)
    errors = {m: np.array([np.maximum(grad_check(f, x, analytic, num_checks, float(step), seed,
                                                 m)["rel_error"], _REL_FLOOR) for step in hs])
              for m in METHODS}                          # method -> (len(hs), num_checks)
    n = errors["centered"].shape[1]
    fig, (ax, ax2) = plots.figure(ncols=2, width=4.2, height=3.3)
    curves, markers = {}, {}
    for m in METHODS:
        color = plots.SCHEME_COLORS[m]
        curves[m], = ax.plot(hs, np.median(errors[m], axis=1), color=color, marker="o", ms=3,
                             label=m)
        markers[m], = ax.plot([], [], "o", ms=10, mfc="none", mec=color, mew=2)
    ax.set(xscale="log", yscale="log", xlabel="step h (log scale)",
           ylabel="median relative error (log)", title=title or "error against h")
    ax.legend(loc="upper center")
    points, = ax2.plot([], [], "o", ms=6)
    lowest = min(e.min() for e in errors.values())
    ax2.set(yscale="log", xlim=(0, n + 1), xlabel="sampled coordinate",
            ylabel="relative error (log scale)",
            ylim=(lowest / 10, 3 * max(e.max() for e in errors.values())))

    def update(h, method):
        i = nearest_index(hs, h)
        for m in METHODS:
            chosen = m == method
            curves[m].set_linewidth(2.4 if chosen else 1.0)
            curves[m].set_alpha(1.0 if chosen else 0.45)
            markers[m].set_data(([hs[i]], [np.median(errors[m][i])]) if chosen else ([], []))
        points.set_data(np.arange(1, n + 1), errors[method][i])
        points.set_color(plots.SCHEME_COLORS[method])
        ax2.set_title(f"{method}, h = {hs[i]:.0e}: median {np.median(errors[method][i]):.1e}")

    return Explorer(fig, update, [log_slider("h", hs[0], hs[-1], h, step=1.0),
                                  choice("method", METHODS, method, description="scheme")],
                    dynamic=drawn_above(*curves.values(), *markers.values(), points, ax2.title))


def gradient_check_explorer(loss_fns: dict, W, X, y, regs=(1e-3, 1e-2, 1e-1, 1.0, 10.0),
                            hs=tuple(10.0 ** np.arange(-9, 0)), num_checks: int = 12,
                            seed: int = 0, reg: float = 1e-3, h: float = 1e-5) -> Explorer:
    """Chapter 3: the gradient check of one or more SVM loss implementations.

    ``loss_fns`` maps a label to ``fn(W, X, y, reg) -> (loss, dW)``; each one's
    ``dW`` is compared with the centered numeric gradient of its own loss on
    ``num_checks`` coordinates sampled with ``seed``, for every ``reg`` in
    ``regs`` and every ``h`` in ``hs``, all computed up front. The figure shows
    the relative error of every sampled coordinate, with CS231n's bands:
    below 1e-7 fine, above 1e-2 wrong. Controls: ``reg`` and ``h`` (log sliders,
    snapped to the nearest grid value).
    """
    from ..gradcheck import grad_check

    if not isinstance(loss_fns, dict) or not loss_fns or not all(map(callable, loss_fns.values())):
        raise ValueError(f"loss_fns must be a non-empty dict label -> function, got {loss_fns!r}")
    regs, hs = checks.increasing("regs", regs, min_len=2), checks.increasing("hs", hs, min_len=2)
    for name, value, grid in (("reg", reg, regs), ("h", h, hs)):
        if not (grid[0] <= value <= grid[-1]):
            raise ValueError(f"{name} must lie in [{grid[0]:g}, {grid[-1]:g}], got {value!r}")
    W = np.array(W, dtype=float)
    errors = {}                                  # label -> (len(regs), len(hs), num_checks)
    for label, fn in loss_fns.items():
        table = []
        for r in regs:
            r = float(r)
            dW = fn(W, X, y, r)[1]
            table.append([grad_check(lambda V: fn(V, X, y, r)[0], W, dW, num_checks,
                                     float(step), seed)["rel_error"] for step in hs])
        errors[label] = np.maximum(np.array(table), _REL_FLOOR)
    n = next(iter(errors.values())).shape[2]
    bottom = min(1e-9, min(e.min() for e in errors.values()) / 10)
    fig, (ax,) = plots.figure(width=7.0, height=3.4)
    ax.axhspan(bottom, 1e-7, color="#009E73", alpha=0.10, lw=0, label="fine (< 1e-7)")
    ax.axhspan(1e-2, 30, color="#D55E00", alpha=0.10, lw=0, label="wrong (> 1e-2)")
    series = {}
    offsets = np.linspace(-0.15, 0.15, len(errors))
    for i, label in enumerate(errors):
        series[label], = ax.plot([], [], ["o", "s", "^", "D"][i % 4], ms=6, ls="none",
                                 color=["#0072B2", "#D55E00", "#009E73", "#CC79A7"][i % 4],
                                 label=label)
    ax.set(yscale="log", ylim=(bottom, 30), xlim=(0.3, n + 0.7),
           xlabel="sampled coordinate of W", ylabel="relative error (log scale)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)

    def update(reg, h):
        i, j = nearest_index(regs, reg), nearest_index(hs, h)
        worst = []
        for (label, line), dx in zip(series.items(), offsets):
            line.set_data(np.arange(1, n + 1) + dx, errors[label][i, j])
            worst.append(f"{label}: max {errors[label][i, j].max():.0e}")
        ax.set_title(f"reg = {regs[i]:g}, h = {hs[j]:.0e} — " + ", ".join(worst), fontsize=9)

    return Explorer(fig, update, [log_slider("reg", regs[0], regs[-1], reg, step=1.0),
                                  log_slider("h", hs[0], hs[-1], h, step=1.0)],
                    dynamic=drawn_above(*series.values(), ax.title))


def digits_lr_explorer(data, lrs=(1e-2, 3e-2, 1e-1, 3e-1, 1.0, 3.0, 10.0, 30.0, 100.0),
                       lr: float = 1.0, epochs: int = 60, reg: float = 1e-3,
                       seed: int = 0) -> Explorer:
    """Chapter 4: full-batch gradient descent on digits, one learning rate at a time.

    One run per learning rate in ``lrs`` is trained up front (``epochs``
    full-batch steps each), so the ``lr`` slider only swaps line data. The
    slider moves over ``[min(lrs), max(lrs)]`` and shows the nearest
    precomputed rate (on a log scale); ``lrs`` evenly spaced in log make the
    slider's steps land on them exactly.

    Args:
        data: a :class:`~optim_lib.data.DigitsSplit`.
        lrs: the learning rates trained up front (increasing, positive).
        lr: the slider's starting value.
        epochs: full-batch steps per run.
        reg: L2 regularization strength.
        seed: seed of the initial weights (the same for every run).
    """
    from ..optimizers import SGD
    from ..train import fit_linear_classifier

    lrs = tuple(checks.increasing("lrs", lrs, min_len=2))
    if not lrs[0] <= lr <= lrs[-1]:
        raise ValueError(f"lr must be within lrs [{lrs[0]}, {lrs[-1]}], got {lr!r}")
    runs = {v: fit_linear_classifier(SGD(v), data, epochs=epochs, batch_size=None, reg=reg,
                                     seed=seed) for v in lrs}
    fig, (ax, ax_acc) = plots.figure(ncols=2, width=4.2, height=3.3)
    color = plots.COLORS["GD"]
    for r in runs.values():
        ax.plot(r.epoch_train_loss, color="0.85", lw=1)
        ax_acc.plot(100 * np.asarray(r.val_acc), color="0.85", lw=1)
    (loss_line,) = ax.plot([], [], color=color, lw=2)
    (acc_line,) = ax_acc.plot([], [], color=color, lw=2)
    top = max(max(r.epoch_train_loss) for r in runs.values())
    low = min(min(r.epoch_train_loss) for r in runs.values())
    ax.set(yscale="log", xlim=(0, epochs), ylim=(low / 1.5, top * 1.5), xlabel="step",
           ylabel="training loss (log scale)")
    ax_acc.set(xlim=(0, epochs), ylim=(0, 100), xlabel="step", ylabel="validation accuracy (%)")
    ax_acc.axhline(10, color="k", ls=":", lw=1)
    ax_acc.text(epochs, 12, "chance", ha="right", fontsize=8)

    def update(lr):
        v = snap(lr, lrs)
        r = runs[v]
        steps = np.arange(len(r.epoch_train_loss))
        loss_line.set_data(steps, r.epoch_train_loss)
        acc_line.set_data(steps, 100 * np.asarray(r.val_acc))
        ax.set_title(f"lr = {v:g}: final loss {r.epoch_train_loss[-1]:.3g}")
        ax_acc.set_title(f"validation accuracy {100 * r.val_acc[-1]:.1f}% (grey: other lr)")

    step = float(np.log10(lrs[1] / lrs[0]))
    return Explorer(fig, update, [log_slider("lr", lrs[0], lrs[-1], lr, step=step)],
                    dynamic=drawn_above(loss_line, acc_line, ax.title, ax_acc.title))


def sgd_batch_explorer(data, batch_sizes=(4, 16, 64, 256, None), lrs=(1e-2, 1e-1, 1.0),
                       batch_size=16, lr: float = 1e-1, epochs: int = 5, reg: float = 1e-3,
                       seed: int = 0) -> Explorer:
    """Chapter 5: minibatch SGD on digits for a batch size and a learning rate.

    Every (batch size, lr) pair is trained up front for ``epochs`` epochs, so
    moving a control only swaps line data. The left panel shows the minibatch
    loss of every update against the samples seen (the noise) and the full
    training loss at the end of each epoch; the right panel, the validation
    accuracy per epoch. Full-batch gradient descent at the same lr and the same
    number of samples seen is drawn in grey for comparison.

    Args:
        data: a :class:`~optim_lib.data.DigitsSplit`.
        batch_sizes: the choices of the batch-size control; None is full batch.
        lrs: the learning rates trained up front (increasing, positive).
        batch_size, lr: the controls' starting values.
        epochs: passes over the training set per run.
        reg, seed: regularization and seed (initial weights and minibatch order).
    """
    from ..optimizers import SGD
    from ..train import fit_linear_classifier

    lrs = tuple(checks.increasing("lrs", lrs, min_len=2))
    batch_sizes = tuple(batch_sizes)
    for b in batch_sizes:
        if b is not None and (isinstance(b, bool) or not isinstance(b, (int, np.integer))
                              or b < 1):
            raise ValueError(f"batch_sizes must hold positive integers or None, got {b!r}")
    if batch_size not in batch_sizes:
        raise ValueError(f"batch_size must be one of {batch_sizes}, got {batch_size!r}")
    if not lrs[0] <= lr <= lrs[-1]:
        raise ValueError(f"lr must be within lrs [{lrs[0]}, {lrs[-1]}], got {lr!r}")
    runs = {(b, v): fit_linear_classifier(SGD(v), data, epochs=epochs, batch_size=b, reg=reg,
                                          seed=seed)
            for b in batch_sizes for v in lrs}
    gd = {v: fit_linear_classifier(SGD(v), data, epochs=epochs, batch_size=None, reg=reg,
                                   seed=seed) for v in lrs}
    n = len(data.y_train)
    label = {b: "full batch" if b is None else f"batch {b}" for b in batch_sizes}
    color = plots.COLORS["SGD"]

    fig, (ax, ax_acc) = plots.figure(ncols=2, width=4.2, height=3.3)
    (noisy_line,) = ax.plot([], [], color=color, lw=0.7, alpha=0.45,
                            label="minibatch loss of each update")
    (epoch_line,) = ax.plot([], [], color=color, lw=2, marker="o", ms=4,
                            label="training loss after each epoch")
    (gd_line,) = ax.plot([], [], color="0.5", lw=1.5, ls="--", marker="s", ms=3,
                         label="full-batch GD, same samples seen")
    every = [v for r in runs.values() for v in r.losses + r.epoch_train_loss[1:]]
    ax.set(yscale="log", xlim=(0, epochs), ylim=(min(every) / 1.5, max(every) * 1.5),
           xlabel="samples seen (epochs)", ylabel="loss (log scale)")
    ax.legend(loc="upper right", fontsize=7)
    (acc_line,) = ax_acc.plot([], [], color=color, lw=2, marker="o", ms=4, label="SGD")
    (acc_gd,) = ax_acc.plot([], [], color="0.5", lw=1.5, ls="--", marker="s", ms=3,
                            label="full-batch GD")
    ax_acc.set(xlim=(0, epochs), ylim=(0, 100), xlabel="epochs",
               ylabel="validation accuracy (%)")
    ax_acc.legend(loc="lower right", fontsize=8)
    epoch_axis = np.arange(epochs + 1)

    def update(batch_size, lr):
        v = snap(lr, lrs)
        r, g = runs[(batch_size, v)], gd[v]
        noisy_line.set_data(np.asarray(r.grad_evals) / n - 0.5 * (r.grad_evals[0] / n),
                            r.losses)
        epoch_line.set_data(epoch_axis[: len(r.epoch_train_loss)], r.epoch_train_loss)
        gd_line.set_data(epoch_axis[: len(g.epoch_train_loss)], g.epoch_train_loss)
        acc_line.set_data(epoch_axis[: len(r.val_acc)], 100 * np.asarray(r.val_acc))
        acc_gd.set_data(epoch_axis[: len(g.val_acc)], 100 * np.asarray(g.val_acc))
        ax.set_title(f"{label[batch_size]}, lr = {v:g}: {len(r.losses)} updates")
        ax_acc.set_title(f"validation accuracy {100 * r.val_acc[-1]:.1f}% "
                         f"(GD {100 * g.val_acc[-1]:.1f}%)")

    step = float(np.log10(lrs[1] / lrs[0]))
    return Explorer(fig, update, [choice("batch_size", batch_sizes, batch_size,
                                         description="batch size"),
                                  log_slider("lr", lrs[0], lrs[-1], lr, step=step)],
                    dynamic=drawn_above(noisy_line, epoch_line, gd_line, acc_line, acc_gd,
                                        ax.title, ax_acc.title))
