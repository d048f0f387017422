"""Execute the book's notebooks two at a time before Sphinx reads them.

myst-nb executes notebooks one after the other as Sphinx reads them. With
``execute_notebooks: cache`` it first looks each notebook up in the jupyter-cache at
``_build/.jupyter_cache``. This extension fills that cache beforehand with
jupyter-cache's ``local-parallel`` executor (one process per core, each notebook run in
its own folder exactly as myst-nb would), so myst-nb then only reads cached outputs.
Notebooks already cached with unchanged code are not run again.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)


def _execute_outdated(app, env, docnames):
    if app.config.nb_execution_mode != "cache":
        return
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    notebooks = [Path(env.doc2path(name)) for name in docnames]
    notebooks = [p for p in notebooks if p.suffix == ".ipynb"]
    if len(notebooks) < 2:
        return
    path = app.env.mystnb_config.execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    cache = get_cache(str(path))
    records = [cache.add_nb_to_project(str(p)) for p in notebooks]
    LOGGER.info(f"[parallel_execute] executing outdated notebooks of {len(records)} in parallel")
    executor = load_executor("local-parallel", cache=cache)
    result = executor.run_and_cache(filter_pks=[r.pk for r in records],
                                    timeout=app.config.nb_execution_timeout)
    # Failures are left to myst-nb, which re-runs the notebook and reports the error in place.
    if result.errored:
        LOGGER.info(f"[parallel_execute] failed here, myst-nb will report: {result.errored}")


def setup(app):
    app.connect("env-before-read-docs", _execute_outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
