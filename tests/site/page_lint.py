"""A lint of the built pages, as a reader reads them (used by tests/site/test_lint.py).

What a reader must never see in the prose of a page (code, outputs and typeset math excluded):
- raw TeX: a ``$``, ``\\(``, ``\\)``, ``\\[``, ``\\]`` or a TeX command such as ``\\alpha``;
- MyST that was not rendered: a role (``{cite}`key```), a directive fence (```` ```{note} ````,
  ``:::{note}``) or a directive option line (``:class: dropdown``);
- a link to a section that does not exist: an in-page ``#anchor`` with no element of that id,
  a link to another page's anchor that page lacks, or a sentence naming a section in quotes
  ("the section “Explore”") when no heading of that page or the book has that title.
And the intro's map links every chapter of the table of contents.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bs4 import BeautifulSoup

RAW_TEX = re.compile(r"\$|\\[()\[\]]|\\(?:alpha|beta|rho|lambda|frac|sqrt|nabla|hat|mathrm|"
                     r"left|right|cdot|qquad|quad|leq|geq|sum|epsilon|varepsilon|sigma|kappa)\b")
RAW_MYST = re.compile(r"\{[\w:.+-]+\}`|^\s*(?:`{3,}|:{3,})\{|^:(?:class|label|name|"
                      r"enumerator|filter|tags):", re.M)
SECTION_NAMED = re.compile(r"\bsections?\s+[“\"]([^”\"]{2,80})[”\"]", re.I)
SKIP = ("script", "style", "pre", "code", "math", "mjx-container", "svg", "noscript")


def article(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    return soup.find("article") or soup


def prose_text(html: str) -> str:
    """The text of a page's article that a reader reads as prose."""
    root = article(html)
    for tag in root.find_all(SKIP):
        tag.decompose()
    for tag in root.select(".math, .cell_output, .output, .highlight, .headerlink, "
                           ".MathJax, .ol-player"):
        tag.decompose()
    return root.get_text("\n")


@lru_cache(maxsize=64)
def headings(html: str) -> frozenset[str]:
    root = article(html)
    found = set()
    for h in root.find_all(["h1", "h2", "h3", "h4", "p"]):
        if h.name == "p" and "admonition-title" not in (h.get("class") or []):
            continue
        text = h.get_text(" ", strip=True).replace("#", "").strip()
        found.add(re.sub(r"\s+", " ", text).lower())
    return frozenset(found)


@lru_cache(maxsize=64)
def ids(html: str) -> frozenset[str]:
    return frozenset(el["id"] for el in BeautifulSoup(html, "html.parser").find_all(id=True))


def page_problems(html: str, page: str, pages: dict[str, str]) -> list[str]:
    """Everything wrong with one page; ``pages`` maps every page path to its HTML."""
    found = []
    text = prose_text(html)
    for pattern, what in ((RAW_TEX, "raw TeX"), (RAW_MYST, "unrendered MyST")):
        for m in pattern.finditer(text):
            context = text[max(0, m.start() - 40):m.end() + 40].replace("\n", " ")
            found.append(f"{what} {m.group(0)!r} in {context!r}")
    own_ids = ids(html)
    for a in article(html).find_all("a", href=True):
        href = a["href"]
        if "://" in href or href.startswith(("mailto:", "data:")):
            continue
        target, _, anchor = href.partition("#")
        if not target:
            if anchor and anchor not in own_ids:
                found.append(f"link to a missing section #{anchor}")
            continue
        resolved = str(Path(page).parent.joinpath(target)).replace("\\", "/")
        resolved = re.sub(r"[^/]+/\.\./", "", resolved)
        if resolved.endswith(".html") and resolved in pages and anchor:
            if anchor not in ids(pages[resolved]):
                found.append(f"link to a missing section {target}#{anchor}")
    all_headings = set().union(*(headings(h) for h in pages.values())) if pages else headings(html)
    for m in SECTION_NAMED.finditer(text):
        title = re.sub(r"\s+", " ", m.group(1)).strip().rstrip(".").lower()
        if title not in all_headings:
            found.append(f"names a section that does not exist: {m.group(0)!r}")
    return found


def map_problems(intro_html: str, chapter_pages: list[str]) -> list[str]:
    """The intro's map must link every chapter."""
    links = {a["href"].split("#")[0] for a in article(intro_html).find_all("a", href=True)}
    return [f"the intro's map does not link {p}" for p in chapter_pages if p not in links]
