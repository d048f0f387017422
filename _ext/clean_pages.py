"""No console error on any page.

* One copy of each inline script: sphinx-thebe (always loaded by jupyter-book) registers its
  inline config script each time the environment is read, so pages got
  ``const THEBE_JS_URL = ...`` twice, and the second copy is a console error.
* An explicit colour mode: pydata-sphinx-theme reads it from the template context; left
  empty, its script logs "Got invalid theme mode" on every page.
"""

from __future__ import annotations

import private_api

def _configure(app, config):
    config.html_context.setdefault("default_mode", "auto")


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = private_api.script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    private_api.check_versions()
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _dedupe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
