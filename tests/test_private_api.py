"""The build's private APIs live in one module that checks the pinned versions (_ext/private_api.py)."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import private_api  # noqa: E402


def test_the_installed_versions_are_the_pinned_ones():
    private_api.check_versions()           # the venv of requirements.txt


def test_pins_match_requirements_txt():
    req = (ROOT / "requirements.txt").read_text().lower()
    for name, version in private_api.PINNED.items():
        assert re.search(rf"^{re.escape(name)}=={re.escape(version)}$", req, re.M), name


def test_another_release_stops_the_build_naming_it():
    installed = dict(private_api.PINNED, **{"myst-nb": "1.5.0"})
    with pytest.raises(private_api.PrivateApiVersionError,
                       match=r"myst-nb 1\.5\.0 is installed, the build was written against 1\.4\.0"):
        private_api.check_versions(installed)


def test_only_private_api_imports_private_modules():
    """The other extensions use public APIs: no import of myst-nb's or jupyter-cache's
    internals, no write into Sphinx's env tables, no patched class."""
    for path in (ROOT / "_ext").glob("*.py"):
        if path.name == "private_api.py":
            continue
        text = path.read_text()
        for forbidden in ("myst_nb.core", "myst_nb.ext", "jupyter_cache.executors",
                          "toc_fignumbers", "mystnb_config", "ExerciseDirective.run =",
                          "option_spec["):
            assert forbidden not in text, f"{path.name} uses {forbidden}"
