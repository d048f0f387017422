"""Every built page of _toc.yml, linted as a reader reads it (tests/site/page_lint.py): no raw
TeX or $ in the prose, no unrendered MyST, no link or sentence naming a missing section, and
the intro's map links every chapter. Needs the build of `make test-build` (or `make book`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from browser_support import HTML, toc_pages  # noqa: E402
from page_lint import map_problems, page_problems  # noqa: E402

PAGES = toc_pages()


@pytest.fixture(scope="module")
def built():
    missing = [p for p in PAGES if not (HTML / p).exists()]
    assert not missing, f"build the book first (make test-build): missing {missing[:3]}"
    return {p: (HTML / p).read_text(encoding="utf-8") for p in PAGES}


@pytest.mark.parametrize("page", PAGES)
def test_page_reads_clean(built, page):
    problems = page_problems(built[page], page, built)
    assert not problems, f"{page}:\n  " + "\n  ".join(problems)


def test_the_intro_maps_every_chapter(built):
    intro = PAGES[0]
    assert not map_problems(built[intro], [p for p in PAGES if p != intro])
