"""The page lint (tests/site/page_lint.py) rejects what a reader must not see, and passes a
clean page: shown on small pages written here."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))

from page_lint import map_problems, page_problems  # noqa: E402

CLEAN = """<html><body><article>
<h1 id="adam">Adam<a class="headerlink" href="#adam">#</a></h1>
<p>The rate <span class="math notranslate nohighlight">\\(\\alpha\\)</span> is a distance.
See <a href="#explore">Explore</a> and the section “Explore” below, and
<a href="other.html#top">the other page</a>.</p>
<div class="highlight"><pre>price = "$5"  # code may hold anything</pre></div>
<div class="cell_output"><pre>{eval}`not prose`</pre></div>
<section id="explore"><h2>Explore</h2></section>
</article></body></html>"""
OTHER = '<html><body><article><h1 id="top">Other</h1></article></body></html>'


def lint(html, pages=None):
    pages = pages or {"chapters/a.html": html, "chapters/other.html": OTHER}
    return page_problems(html, "chapters/a.html", pages)


def test_a_clean_page_passes():
    assert lint(CLEAN) == []


def test_raw_tex_is_caught():
    for raw in ("costs $5", "rate \\(\\alpha\\)", "\\frac{1}{2}", "step \\alpha"):
        bad = CLEAN.replace("is a distance.", f"is a distance, {raw}.")
        assert any("raw TeX" in p for p in lint(bad)), raw


def test_unrendered_myst_is_caught():
    for raw in ("{cite:p}`kingma2015adam`", "\n```{note}\n", "\n:::{admonition} x\n",
                "\n:class: dropdown\n"):
        bad = CLEAN.replace("is a distance.", f"is a distance. {raw}")
        assert any("unrendered MyST" in p for p in lint(bad)), raw


def test_missing_sections_are_caught():
    assert any("#nowhere" in p for p in lint(CLEAN.replace('href="#explore"', 'href="#nowhere"')))
    assert any("other.html#gone" in p
               for p in lint(CLEAN.replace("other.html#top", "other.html#gone")))
    bad = CLEAN.replace("the section “Explore”", "the section “Try it yourself”")
    assert any("Try it yourself" in p for p in lint(bad))


def test_the_map_must_link_every_chapter():
    intro = '<article><a href="chapters/a.html">a</a></article>'
    assert map_problems(intro, ["chapters/a.html"]) == []
    assert map_problems(intro, ["chapters/a.html", "chapters/b.html"]) == [
        "the intro's map does not link chapters/b.html"]
