"""Every rule side by side, generated from the library so that it cannot drift from it.

For each optimizer: its update (the equation lines of its own docstring, the same lines its
``update`` implements), its state (the arrays it holds after one real step, by name), the
memory that state costs per parameter (measured on float32 weights, as in practice), its
default hyperparameters (its signature), and what it fixes and what it breaks (the course's
verdicts, written once here and linked to the chapter that measures them).
"""

from __future__ import annotations

import inspect
import re

import numpy as np

from .. import optimizers

__all__ = ["RULES", "rule_facts", "cheat_sheet"]

# The course's verdicts, each measured in its chapter: (chapter, fixes, breaks)
RULES = {
    "SGD": ("5", "the cost of a step: one minibatch, not the whole dataset",
            "a noise floor at a constant rate; zig-zags across narrow valleys"),
    "Momentum": ("6", "crawling along shallow, steady slopes (steps grow up to 1/(1 − ρ))",
                 "overshoots; one learning rate for every coordinate"),
    "Nesterov": ("7", "part of momentum's overshoot (the gradient is taken ahead)",
                 "still one learning rate for every coordinate"),
    "AdaGrad": ("8", "badly scaled coordinates: each gets its own step size",
                "its steps only shrink (G only grows); helps only along the axes"),
    "RMSProp": ("9", "AdaGrad's vanishing steps: a leaky average forgets old gradients",
                "no momentum; the first steps are large (the average starts at 0)"),
    "Adam": ("10", "momentum and per-coordinate steps together, bias-corrected",
             "still needs its learning rate tuned; an L2 term in the loss is not weight decay"),
    "AdamW": ("13", "weight decay taken out of the adaptive step (decoupled)",
              "one learning rate for the whole run (chapter 14: schedules)"),
}
EQUATION = re.compile(r"[←=]")


def _equations(cls) -> list[str]:
    doc = inspect.getdoc(cls) or ""
    lines = [line.strip() for line in doc.splitlines()]
    return [re.sub(r"\s{2,}\(.*\)$", "", line) for line in lines
            if EQUATION.search(line) and not line.endswith(":") and "``" not in line
            and not line.startswith(("Kingma", "eps", "The", "Writing", "A ", "Every"))]


def rule_facts(name: str, n: int = 1000) -> dict:
    """What the library says about one rule: equations, state, bytes per parameter, defaults."""
    if name not in RULES:
        raise ValueError(f"name must be one of {list(RULES)}, got {name!r}")
    cls = getattr(optimizers, name)
    opt = cls()
    w = np.ones(n, dtype=np.float32)
    opt.step(w, np.full(n, 0.1, dtype=np.float32))
    state = opt.state
    defaults = {k: p.default for k, p in inspect.signature(cls).parameters.items()
                if not isinstance(p.default, bool)}
    if name == "AdamW":   # AdamW extends Adam: its equations are Adam's plus the decay
        equations = _equations(optimizers.Adam)
        decay = [line for line in _equations(cls) if "weight_decay" in line]
        equations = decay + equations
    else:
        equations = _equations(cls)
    return {"name": name, "chapter": RULES[name][0], "equations": equations,
            "state": sorted(state), "state_bytes": sum(v.nbytes for v in state.values()) / n,
            "defaults": defaults, "fixes": RULES[name][1], "breaks": RULES[name][2]}


def cheat_sheet(part: str = "rules"):
    """One of the sheet's two tables, as HTML (the same on the website and in JupyterLab).

    ``part="rules"``: state, state bytes per parameter, defaults, update;
    ``part="verdicts"``: what each rule fixes and what it breaks.
    """
    from html import escape

    from IPython.display import HTML

    if part not in ("rules", "verdicts"):
        raise ValueError(f"part must be 'rules' or 'verdicts', got {part!r}")
    facts = [rule_facts(name) for name in RULES]
    name_cell = [f"<strong>{f['name']}</strong><br>chapter {f['chapter']}" for f in facts]
    if part == "rules":
        head = ["rule", "state", "bytes per parameter (float32)", "defaults", "update"]
        body = [[n,
                 ", ".join(f"<code>{s}</code>" for s in f["state"]) or "none",
                 f"{f['state_bytes']:.0f}",
                 "<br>".join(f'<span style="white-space: nowrap">{k} = {v:g}</span>'
                             for k, v in f["defaults"].items()),
                 "<br>".join(f'<code style="white-space: nowrap">{escape(line)}</code>'
                             for line in f["equations"])]
                for n, f in zip(name_cell, facts)]
    else:
        head = ["rule", "fixes", "breaks"]
        body = [[n, escape(f["fixes"]), escape(f["breaks"])] for n, f in zip(name_cell, facts)]
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in body)
    return HTML('<table class="table"><thead><tr>'
                + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead><tbody>"
                + rows + "</tbody></table>")
