"""The library's two layers: the rules (``optim_lib``) and the course's presentation
(``optim_lib.course``). Presentation imports the rules, never the other way; the import
graph has no cycle; no module is over 400 lines; importing a module changes nothing
outside it (no formatter, no hook): the chapters call ``install_figure_alt()`` themselves.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "optim_lib"
PRESENTATION_ONLY = ("matplotlib", "ipywidgets", "IPython", "PIL")
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def imports(path: Path, top_level_only: bool = False) -> set[str]:
    """Every module ``path`` imports (absolute names), optionally only at module level."""
    tree = ast.parse(path.read_text())
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                root = ".".join(base + ([node.module] if node.module else []))
            else:
                root = node.module
            subs = {f"{root}.{a.name}" for a in node.names}
            known = subs & set(modules())          # "from . import checks": the module checks
            found |= known if known == subs else known | {root}
    return found


def internal_edges() -> dict[str, set[str]]:
    mods = modules()
    return {m: {i for i in imports(p) if i in mods and i != m} for m, p in mods.items()}


def is_presentation(name: str) -> bool:
    return name == "optim_lib.course" or name.startswith("optim_lib.course.")


def test_the_rules_never_import_the_presentation():
    for name, path in modules().items():
        if is_presentation(name):
            continue
        bad = sorted(i for i in imports(path) if is_presentation(i))
        assert not bad, f"{name} (a rules module) imports {bad}"
        heavy = sorted(i for i in imports(path, top_level_only=True)
                       if i.split(".")[0] in PRESENTATION_ONLY)
        assert not heavy, f"{name} (a rules module) imports {heavy} at import time"


def test_the_import_graph_has_no_cycle():
    edges = internal_edges()
    state: dict[str, int] = {}

    def visit(node, stack):
        state[node] = 1
        for nxt in edges[node]:
            if state.get(nxt) == 1:
                raise AssertionError(f"import cycle: {' -> '.join(stack + [node, nxt])}")
            if not state.get(nxt):
                visit(nxt, stack + [node])
        state[node] = 2

    for node in edges:
        if not state.get(node):
            visit(node, [])


def test_the_cycle_check_would_catch_a_cycle(monkeypatch):
    fake = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    monkeypatch.setattr(sys.modules[__name__], "internal_edges", lambda: fake)
    with pytest.raises(AssertionError, match="import cycle"):
        test_the_import_graph_has_no_cycle()


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_over_400_lines(name):
    lines = len(modules()[name].read_text().splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines"


def test_importing_the_presentation_installs_nothing():
    """An IPython shell's PNG formatters and its pre_run_cell hooks are the same before and
    after importing every presentation module; install_figure_alt() does change them."""
    code = """
import matplotlib; matplotlib.use("Agg")
from IPython.testing.globalipapp import start_ipython
shell = start_ipython()
def snapshot():
    fmt = shell.display_formatter.formatters["image/png"]
    return (dict(fmt.type_printers), dict(fmt.deferred_printers),
            list(shell.events.callbacks["pre_run_cell"]))
before = snapshot()
import importlib, pkgutil, optim_lib.course as course
for m in pkgutil.iter_modules(course.__path__):
    importlib.import_module("optim_lib.course." + m.name)
assert snapshot() == before, "importing optim_lib.course changed the shell"
from optim_lib.course.alt_text import install_figure_alt
install_figure_alt()
assert snapshot() != before, "install_figure_alt changed nothing"
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-2000:]


def unmapped(readme: str, maps: dict[str, str]) -> list[str]:
    """Modules missing from the README's layout or from their package's module map."""
    missing = []
    for name in modules():
        short = name.rsplit(".", 1)[-1]
        if name in ("optim_lib", "optim_lib.course", "optim_lib.optimizers") or \
                name.startswith("optim_lib.optimizers."):
            continue                            # the optimizers package has its own list
        package = name.rsplit(".", 1)[0]
        if f"`{short}`" not in readme:
            missing.append(f"{name} (README)")
        if f"``{short}``" not in maps[package]:
            missing.append(f"{name} ({package}'s docstring)")
    return missing


def test_every_module_is_in_the_readme_and_its_package_map():
    readme = (PKG.parent / "README.md").read_text()
    maps = {p: (PKG / rel / "__init__.py").read_text() for p, rel in
            (("optim_lib", "."), ("optim_lib.course", "course"))}
    assert unmapped(readme, maps) == []
    # the check fails on a module left out of both
    assert set(unmapped(readme.replace("`seed_stack`", "`x`"),
                        {**maps, "optim_lib": maps["optim_lib"].replace("``seed_stack``", "``x``")})) \
        == {"optim_lib.seed_stack (README)", "optim_lib.seed_stack (optim_lib's docstring)"}
