"""Golden trajectories of every update rule and schedule, from their reference implementations.

    /path/to/venv-with-torch/bin/python tools/reference_trajectories.py   # rewrite the fixtures

A learner never needs PyTorch: the trajectories torch.optim computes are committed under
``tests/reference/`` and ``tests/test_reference.py`` compares optim_lib with them on every
``make test``; when torch is installed, the same test also runs torch live.

The problem is the same for every rule: a noisy, ill-conditioned quadratic in a 6 x 4 weight
matrix, ``grad(w, t) = A·w − b + noise_t`` (float64; everything drawn from one seed), run for
``STEPS`` updates. The learning rate changes mid-run (divided by 3 at step 120, then doubled at
step 200), as a schedule or a hand-tuned run would change it. Checkpoints every 10 steps are
stored, with the final weights.

The rules past AdamW (``AFTER_ADAMW``: Lion, Muon, Schedule-Free AdamW) run on the same problem
with the same learning-rate changes, each against its own reference package, whose version the
fixture records: ``lion-pytorch`` (0.2.5, ``decoupled_weight_decay=False``), ``torch.optim.Muon``
(torch 2.13) and ``schedulefree`` (1.4.1). Muon is compared in float64: torch's Newton–Schulz
iteration casts to bfloat16, so the fixture script runs torch's own function recompiled from its
source with that one cast taken out (:func:`muon_without_bfloat16`); torch's real bfloat16 run is
recorded too (``muon_bfloat16.npz``), for the chapter that shows what bfloat16 changes.
``muon_wide`` runs Muon on the transposed problem (a 4 x 6 matrix: no transpose inside the
iteration, no shape adjustment of lr). Schedule-Free fixtures hold both points: the train point
y (``checkpoints``, the package's train mode) and the evaluation point x (``eval_checkpoints``,
its eval mode).

    .../bin/python tools/reference_trajectories.py lion muon   # rewrite only these fixtures

Schedules are compared twice: their factor sequences against torch.optim.lr_scheduler, and a
whole run of ``Scheduled(opt, schedule)`` against the torch optimizer stepped with the scheduler.
Each cosine ends with the run: past ``T_max`` torch's CosineAnnealingLR climbs back up (it is
periodic), while ``CosineDecay`` stays at ``final``, as its docstring says.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "reference"
STEPS = 300
EVERY = 10
SHAPE = (6, 4)
LR_CHANGES = {120: 1 / 3, 200: 2.0}       # step -> factor applied to lr before that step

# name -> (optim_lib constructor, its kwargs, torch class name, torch kwargs)
RULES = {
    "sgd": ("SGD", {"lr": 0.05}, "SGD", {"lr": 0.05}),
    "momentum": ("Momentum", {"lr": 0.02, "rho": 0.9}, "SGD", {"lr": 0.02, "momentum": 0.9}),
    "nesterov": ("Nesterov", {"lr": 0.02, "rho": 0.9}, "SGD",
                 {"lr": 0.02, "momentum": 0.9, "nesterov": True}),
    "adagrad": ("AdaGrad", {"lr": 0.3, "eps": 1e-7}, "Adagrad", {"lr": 0.3, "eps": 1e-7}),
    "rmsprop": ("RMSProp", {"lr": 0.01, "decay": 0.99, "eps": 1e-8}, "RMSprop",
                {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}),
    "adam": ("Adam", {"lr": 0.02, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, "Adam",
             {"lr": 0.02, "betas": (0.9, 0.999), "eps": 1e-8}),
    "adam_b1_05": ("Adam", {"lr": 0.05, "beta1": 0.5, "beta2": 0.99, "eps": 1e-6}, "Adam",
                   {"lr": 0.05, "betas": (0.5, 0.99), "eps": 1e-6}),
    "adamw": ("AdamW", {"lr": 0.02, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
                        "weight_decay": 0.1}, "AdamW",
              {"lr": 0.02, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.1}),
}
# The rules past AdamW: name -> (class in optim_lib.optimizers.after_adamw, its kwargs,
# reference "module.Class", its kwargs)
_MUON = {"lr": 0.02, "weight_decay": 0.1, "momentum": 0.95, "nesterov": True}
AFTER_ADAMW = {
    "lion": ("Lion", {"lr": 0.01, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.2},
             "lion_pytorch.Lion", {"lr": 0.01, "betas": (0.9, 0.99), "weight_decay": 0.2,
                                   "decoupled_weight_decay": False}),
    "lion_b1_05": ("Lion", {"lr": 0.02, "beta1": 0.5, "beta2": 0.9},
                   "lion_pytorch.Lion", {"lr": 0.02, "betas": (0.5, 0.9)}),
    "muon": ("Muon", _MUON, "torch.optim.Muon", _MUON),
    "muon_rms": ("Muon", {**_MUON, "adjust_lr_fn": "match_rms_adamw"}, "torch.optim.Muon",
                 {**_MUON, "adjust_lr_fn": "match_rms_adamw"}),
    "muon_wide": ("Muon", {**_MUON, "adjust_lr_fn": "original"}, "torch.optim.Muon",
                  {**_MUON, "adjust_lr_fn": "original"}),
    "muon_plain": ("Muon", {"lr": 0.03, "weight_decay": 0.0, "momentum": 0.8, "nesterov": False,
                            "ns_steps": 3}, "torch.optim.Muon",
                   {"lr": 0.03, "weight_decay": 0.0, "momentum": 0.8, "nesterov": False,
                    "ns_steps": 3}),
    "schedulefree": ("AdamWScheduleFree", {"lr": 0.02, "weight_decay": 0.05, "warmup_steps": 20},
                     "schedulefree.AdamWScheduleFree",
                     {"lr": 0.02, "weight_decay": 0.05, "warmup_steps": 20}),
    "schedulefree_poly": ("AdamWScheduleFree", {"lr": 0.05, "beta1": 0.8, "beta2": 0.99,
                                                "eps": 1e-6, "r": 1.0, "weight_lr_power": 1.0},
                          "schedulefree.AdamWScheduleFree",
                          {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "r": 1.0,
                           "weight_lr_power": 1.0}),
}
WIDE = {"muon_wide"}                      # run on the transposed problem (w is 4 x 6)
REFERENCE_PACKAGES = {"lion_pytorch": "lion-pytorch", "torch": "torch",
                      "schedulefree": "schedulefree"}   # module -> distribution (its version)

# name -> (optim_lib schedule expression, torch scheduler builder), over SCHEDULE_STEPS updates
SCHEDULE_STEPS = 120
SCHEDULES = {
    "step": "StepDecay(every=30, gamma=0.5)",
    "cosine": "CosineDecay(total_steps=120, final=0.1)",
    "warmup_cosine": "LinearWarmup(20, then=CosineDecay(total_steps=100))",
    "warmup": "LinearWarmup(25)",
}


def problem(seed: int = 2026):
    """A, b, the initial w and the noise of every step (numpy, float64)."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(SHAPE[0], SHAPE[0])))
    A = q @ np.diag(np.geomspace(0.1, 4.0, SHAPE[0])) @ q.T         # condition number 40
    b = rng.normal(size=SHAPE)
    w0 = rng.normal(size=SHAPE)
    noise = 0.3 * rng.normal(size=(STEPS,) + SHAPE)
    return A, b, w0, noise


def gradient(A, b, w, noise_t):
    return A @ w - b + noise_t


def run_optim_lib(name: str, optimizer=None) -> np.ndarray:
    """optim_lib's checkpoints for RULES[name] (or for ``optimizer``, built elsewhere)."""
    import optim_lib

    cls, kwargs, _, _ = RULES[name]
    opt = optimizer if optimizer is not None else getattr(optim_lib, cls)(**kwargs)
    A, b, w0, noise = problem()
    w = w0.copy()
    out = [w.copy()]
    for t in range(STEPS):
        if t in LR_CHANGES:
            opt.lr = opt.lr * LR_CHANGES[t]
        opt.step(w, gradient(A, b, w, noise[t]))
        if (t + 1) % EVERY == 0:
            out.append(w.copy())
    return np.array(out)


def _after_adamw_gradient(name, A, b, w, noise_t):
    if name in WIDE:
        return gradient(A, b, w.T, noise_t).T
    return gradient(A, b, w, noise_t)


def run_after_adamw(name: str, optimizer=None) -> dict[str, np.ndarray]:
    """optim_lib's checkpoints for AFTER_ADAMW[name] (or for ``optimizer``): ``checkpoints``
    (the weights stepped), and for a rule with an ``eval_point`` also ``eval_checkpoints``."""
    from optim_lib.optimizers import after_adamw

    cls, kwargs, _, _ = AFTER_ADAMW[name]
    opt = optimizer if optimizer is not None else getattr(after_adamw, cls)(**kwargs)
    A, b, w0, noise = problem()
    w = (w0.T if name in WIDE else w0).copy()
    has_eval = hasattr(opt, "eval_point")
    out, evals = [w.copy()], [w.copy()]
    for t in range(STEPS):
        if t in LR_CHANGES:
            opt.lr = opt.lr * LR_CHANGES[t]
        opt.step(w, _after_adamw_gradient(name, A, b, w, noise[t]))
        if (t + 1) % EVERY == 0:
            out.append(w.copy())
            if has_eval:
                evals.append(opt.eval_point(w))
    result = {"checkpoints": np.array(out)}
    if has_eval:
        result["eval_checkpoints"] = np.array(evals)
    return result


def run_scheduled_optim_lib(schedule_name: str, rule: str = "momentum") -> np.ndarray:
    import optim_lib
    from optim_lib import schedules

    cls, kwargs, _, _ = RULES[rule]
    opt = schedules.Scheduled(getattr(optim_lib, cls)(**kwargs),
                              eval(SCHEDULES[schedule_name], vars(schedules)))
    A, b, w0, noise = problem()
    w = w0.copy()
    out = [w.copy()]
    for t in range(SCHEDULE_STEPS):
        opt.step(w, gradient(A, b, w, noise[t]))
        if (t + 1) % EVERY == 0:
            out.append(w.copy())
    return np.array(out)


def schedule_factors(schedule_name: str) -> np.ndarray:
    from optim_lib import schedules

    return eval(SCHEDULES[schedule_name], vars(schedules)).values(SCHEDULE_STEPS)


# --------------------------------------------------------------------------------------------
# The references (need torch)

def _torch_scheduler(torch, opt, name):
    S = torch.optim.lr_scheduler
    if name == "step":
        return S.StepLR(opt, step_size=30, gamma=0.5)
    if name == "cosine":
        return S.CosineAnnealingLR(opt, T_max=120, eta_min=0.1 * opt.param_groups[0]["lr"])
    if name == "warmup":
        return S.LinearLR(opt, start_factor=1 / 25, end_factor=1.0, total_iters=24)
    if name == "warmup_cosine":
        warm = S.LinearLR(opt, start_factor=1 / 20, end_factor=1.0, total_iters=19)
        cos = S.CosineAnnealingLR(opt, T_max=100, eta_min=0.0)
        return S.SequentialLR(opt, [warm, cos], milestones=[20])
    raise ValueError(f"unknown schedule {name!r}")


def run_torch(name: str) -> np.ndarray:
    import torch

    _, _, cls, kwargs = RULES[name]
    A, b, w0, noise = problem()
    At, bt = torch.tensor(A), torch.tensor(b)
    w = torch.tensor(w0.copy(), requires_grad=True)
    opt = getattr(torch.optim, cls)([w], foreach=False, **kwargs)
    out = [w.detach().numpy().copy()]
    for t in range(STEPS):
        if t in LR_CHANGES:
            for g in opt.param_groups:
                g["lr"] = g["lr"] * LR_CHANGES[t]
        w.grad = At @ w.detach() - bt + torch.tensor(noise[t])
        opt.step()
        if (t + 1) % EVERY == 0:
            out.append(w.detach().numpy().copy())
    return np.array(out)


@contextlib.contextmanager
def muon_without_bfloat16():
    """torch.optim.Muon with the one bfloat16 cast of its Newton–Schulz iteration taken out:
    torch's own ``_zeropower_via_newtonschulz``, recompiled from its source with
    ``grad.bfloat16()`` replaced by ``grad.clone()`` (the iteration then runs in the
    gradient's float64), for the duration of the ``with`` block only."""
    import inspect
    import textwrap

    from torch.optim import _muon

    original = _muon._zeropower_via_newtonschulz
    source = textwrap.dedent(inspect.getsource(original))
    if source.count("grad.bfloat16()") != 1:
        raise RuntimeError("torch.optim._muon changed: expected one 'grad.bfloat16()' in "
                           "_zeropower_via_newtonschulz; update muon_without_bfloat16")
    exec(compile(source.replace("grad.bfloat16()", "grad.clone()"), _muon.__file__, "exec"),
         vars(_muon))
    try:
        yield
    finally:
        _muon._zeropower_via_newtonschulz = original


def reference_version(name: str) -> str:
    """The reference package of AFTER_ADAMW[name] and its installed version, e.g.
    ``"lion-pytorch 0.2.5"``."""
    from importlib.metadata import version

    dist = REFERENCE_PACKAGES[AFTER_ADAMW[name][2].split(".")[0]]
    return f"{dist} {version(dist)}"


def run_after_adamw_reference(name: str, bfloat16: bool = False) -> dict[str, np.ndarray]:
    """The reference package's checkpoints for AFTER_ADAMW[name], as :func:`run_after_adamw`
    (Schedule-Free: ``checkpoints`` in train mode, ``eval_checkpoints`` in eval mode). Muon
    runs in float64 unless ``bfloat16`` (torch as it is)."""
    import importlib

    import torch

    _, _, ref, kwargs = AFTER_ADAMW[name]
    module, cls = ref.rsplit(".", 1)
    A, b, w0, noise = problem()
    At, bt = torch.tensor(A), torch.tensor(b)
    w = torch.tensor((w0.T if name in WIDE else w0).copy(), requires_grad=True)
    opt = getattr(importlib.import_module(module), cls)([w], **kwargs)
    has_eval = hasattr(opt, "eval") and hasattr(opt, "train")
    exact = (muon_without_bfloat16() if cls == "Muon" and not bfloat16
             else contextlib.nullcontext())

    def weights():
        return w.detach().numpy().copy()

    def x():                                  # the package's eval mode, then back to train
        opt.eval()
        point = weights()
        opt.train()
        return point

    if has_eval:
        opt.train()
    out, evals = [weights()], [weights()]
    with exact:
        for t in range(STEPS):
            if t in LR_CHANGES:
                for g in opt.param_groups:
                    g["lr"] = g["lr"] * LR_CHANGES[t]
            wt = w.detach().T if name in WIDE else w.detach()
            grad = At @ wt - bt + torch.tensor(noise[t])
            w.grad = grad.T.contiguous() if name in WIDE else grad
            opt.step()
            if (t + 1) % EVERY == 0:
                out.append(weights())
                if has_eval:
                    evals.append(x())
    result = {"checkpoints": np.array(out)}
    if has_eval:
        result["eval_checkpoints"] = np.array(evals)
    return result


def run_scheduled_torch(schedule_name: str, rule: str = "momentum") -> tuple[np.ndarray, np.ndarray]:
    """The checkpoints of the torch run and the lr factor of each of its updates."""
    import torch
    import warnings

    _, _, cls, kwargs = RULES[rule]
    A, b, w0, noise = problem()
    At, bt = torch.tensor(A), torch.tensor(b)
    w = torch.tensor(w0.copy(), requires_grad=True)
    opt = getattr(torch.optim, cls)([w], foreach=False, **kwargs)
    base = opt.param_groups[0]["lr"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # SequentialLR's deprecation chatter
        sched = _torch_scheduler(torch, opt, schedule_name)
        out, factors = [w.detach().numpy().copy()], []
        for t in range(SCHEDULE_STEPS):
            factors.append(opt.param_groups[0]["lr"] / base)
            w.grad = At @ w.detach() - bt + torch.tensor(noise[t])
            opt.step()
            sched.step()
            if (t + 1) % EVERY == 0:
                out.append(w.detach().numpy().copy())
    return np.array(out), np.array(factors)


def write_fixtures(names=None) -> None:
    """Rewrite the fixtures named (a rule, ``schedule_<name>``, a rule past AdamW or
    ``muon_bfloat16``), or all of them."""
    import torch

    torch.set_default_dtype(torch.float64)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    every = (list(RULES) + [f"schedule_{n}" for n in SCHEDULES] + list(AFTER_ADAMW)
             + ["muon_bfloat16"])
    unknown = set(names or ()) - set(every)
    if unknown:
        raise SystemExit(f"unknown fixtures {sorted(unknown)}; known: {every}")
    for name in names or every:
        if name in RULES:
            data = {"checkpoints": run_torch(name)}
        elif name.startswith("schedule_"):
            checkpoints, factors = run_scheduled_torch(name[len("schedule_"):])
            data = {"checkpoints": checkpoints, "factors": factors}
        elif name in AFTER_ADAMW:
            data = {**run_after_adamw_reference(name), "reference": reference_version(name)}
        else:                                 # torch's Muon as it is: bfloat16 iteration
            data = {**run_after_adamw_reference("muon", bfloat16=True),
                    "reference": reference_version("muon") + " (bfloat16 Newton-Schulz)"}
        np.savez_compressed(FIXTURES / f"{name}.npz", **data, torch_version=torch.__version__)
        print(f"wrote {name}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    write_fixtures(sys.argv[1:])
