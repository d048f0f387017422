"""Alt text for every figure, and a class for wide ones.

``optim_lib.course.alt_text`` writes a description of each figure (its titles, axis labels and
legend) into the PNG's ``Description`` chunk; here it becomes the ``alt`` of the image
(instead of the hashed file name). A figure wider than ``WIDE`` pixels gets the class
``ol-wide``: on a phone it fits the screen and a tap shows it at full size (page_style.py).
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

WIDE = 500   # pixels


def _image_file(app, node) -> Path | None:
    uri = node.get("candidates", {}).get("*") or node.get("uri", "")
    if not uri or "://" in uri or uri.startswith("data:"):
        return None
    path = Path(app.srcdir) / uri.lstrip("/")
    return path if path.exists() else None


def _describe_images(app, doctree, docname):
    from PIL import Image

    for node in doctree.findall(nodes.image):
        path = _image_file(app, node)
        if path is None or path.suffix.lower() != ".png":
            continue
        with Image.open(path) as image:
            description = image.text.get("Description") if hasattr(image, "text") else None
            width = image.size[0]
        if description and not node.get("alt"):
            node["alt"] = description
        if width > WIDE:
            node["classes"].append("ol-wide")


def setup(app):
    app.connect("doctree-resolved", _describe_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
