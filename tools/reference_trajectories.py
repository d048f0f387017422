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

Schedules are compared twice: their factor sequences against torch.optim.lr_scheduler, and a
whole run of ``Scheduled(opt, schedule)`` against the torch optimizer stepped with the scheduler.
Each cosine ends with the run: past ``T_max`` torch's CosineAnnealingLR climbs back up (it is
periodic), while ``CosineDecay`` stays at ``final``, as its docstring says.
"""

from __future__ import annotations

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


def write_fixtures() -> None:
    import torch

    torch.set_default_dtype(torch.float64)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name in RULES:
        np.savez_compressed(FIXTURES / f"{name}.npz", checkpoints=run_torch(name),
                            torch_version=torch.__version__)
        print(f"wrote {name}")
    for name in SCHEDULES:
        checkpoints, factors = run_scheduled_torch(name)
        np.savez_compressed(FIXTURES / f"schedule_{name}.npz", checkpoints=checkpoints,
                            factors=factors, torch_version=torch.__version__)
        print(f"wrote schedule_{name}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    write_fixtures()
