"""The book's build creates no widget: every explorer shows its kernel-free twin there.

A widget is a comm between kernel and client; the build's client (nbclient) answers an
Output widget's messages on the shell channel while it waits for a cell's reply, which is
what stalled builds (nbclient #312) until the build stopped creating widgets. nbclient saves
the state of every widget a kernel created into the notebook's metadata, and a displayed
widget leaves a widget-view output: the executed notebooks in the build's cache must have
neither. Needs the build of `make test-build` (or `make book`).
"""

from __future__ import annotations

import json
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "_build" / ".jupyter_cache"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def widget_traces(nb: dict) -> list[str]:
    found = []
    if "widgets" in nb.get("metadata", {}):
        found.append("widget state in the notebook's metadata")
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []):
            if WIDGET_VIEW in out.get("data", {}):
                found.append(f"cell {i} displays a widget")
    return found


def test_the_checker_sees_a_widget():
    nb = {"metadata": {"widgets": {"state": {}}},
          "cells": [{"outputs": [{"data": {WIDGET_VIEW: {"model_id": "x"}}}]}]}
    assert widget_traces(nb) == ["widget state in the notebook's metadata",
                                 "cell 0 displays a widget"]
    assert widget_traces({"metadata": {}, "cells": [{"outputs": [{"data": {}}]}]}) == []


def test_the_build_created_no_widget():
    from jupyter_cache import get_cache

    assert CACHE.exists(), "build the book first (make test-build)"
    cache = get_cache(str(CACHE))
    records = cache.list_cache_records()
    assert records, "the build's cache holds no executed notebook"
    problems = {}
    for record in records:
        nb = cache.get_cache_bundle(record.pk).nb
        found = widget_traces(json.loads(json.dumps(nb)))
        if found:
            problems[record.uri] = found
    assert not problems, problems
