"""What a page of the built site weighs: its HTML (with the frames its players embed) plus
every image file it loads; and how much of it is ipywidgets state.

    python tests/site/page_weight.py [path/to/_build/html]

prints one row per page of _toc.yml. The theme's shared scripts, styles and fonts (the
same for every page, cached after the first) are not counted.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

LIMIT = 1_500_000   # bytes: the heaviest chapter page may weigh this much
IMG = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]+)\"", re.S)
STATE = re.compile(r'<script[^>]*application/vnd\.jupyter\.widget-state\+json[^>]*>(.*?)</script>',
                   re.S)


def weigh(html_dir, pages):
    html_dir = Path(html_dir)
    rows = []
    for page in pages:
        path = html_dir / page
        text = path.read_text(encoding="utf-8")
        files = {(path.parent / src.split("#")[0]).resolve() for src in IMG.findall(text)
                 if not src.startswith(("data:", "http:", "https:"))}
        images = sum(f.stat().st_size for f in files if f.exists())
        html = len(text.encode("utf-8"))
        embedded = sum(len(m) for m in re.findall(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", text))
        state = sum(len(m.encode("utf-8")) for m in STATE.findall(text))
        rows.append({"page": page, "html": html, "images": images, "embedded": embedded,
                     "widget_state": state, "total": html + images,
                     "players": text.count('class="ol-player"')})
    return rows


def main(argv):
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "tests"))
    from test_book import toc_files

    html_dir = Path(argv[1]) if len(argv) > 1 else root / "_build" / "html"
    rows = weigh(html_dir, [f"{entry}.html" for entry in toc_files()])
    print(f"{'page':45s} {'HTML':>8s} {'of it frames':>12s} {'images':>8s} {'widget state':>12s}"
          f" {'total':>8s}  (kB)")
    for r in rows:
        print(f"{r['page']:45s} {r['html'] / 1e3:8.0f} {r['embedded'] / 1e3:12.0f} "
              f"{r['images'] / 1e3:8.0f} {r['widget_state'] / 1e3:12.0f} {r['total'] / 1e3:8.0f}")
    top = max(rows, key=lambda r: r["total"])
    print(f"heaviest: {top['page']} {top['total'] / 1e6:.2f} MB; widget state on "
          f"{sum(1 for r in rows if r['widget_state'])} pages, "
          f"{sum(r['widget_state'] for r in rows) / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv)
