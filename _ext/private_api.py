"""Every private API the book's build uses, in one place, checked against the pinned versions.

The other extensions use public Sphinx, docutils, myst-nb and sphinx-exercise APIs only, and
come here for the few things no public API offers:

* ``glue_data``: the glued outputs of the page being read (myst-nb's glue store), so that
  ``{eval}`glued["key"]``` can pick the role that suits the value's type (glued_eval.py);
* ``set_exercise_numbers``: per-chapter exercise numbers in Sphinx's figure-number table
  (``env.toc_fignumbers``), which Sphinx fills book-wide (exercise_numbers.py);
* ``execute_into_cache``: jupyter-cache's executor helpers, to fill the execution cache
  two notebooks at a time before myst-nb reads it (parallel_execute.py);
* ``execution_cache_path``: where myst-nb keeps that cache (``app.env.mystnb_config``);
* ``script_key``: what identifies a script Sphinx will put on a page (``_JavaScript``'s
  filename and attributes), to drop a duplicated inline script (clean_pages.py);
* ``register_kernel_provisioner``: a kernel provisioner of the build's own, known to
  jupyter_client without installing it as a package's entry point (its provisioner table;
  kernels.py, forked_kernels.py).

:func:`check_versions` runs when the first extension loads: a release of any of these
packages other than the pinned one stops the build with a message naming the package, the
pinned version and the installed one, instead of breaking silently. Moving a pin means
re-checking the functions below against the new release.
"""

from __future__ import annotations

from importlib import metadata

#: The releases the functions below were written against (requirements.txt pins them).
PINNED = {"myst-nb": "1.4.0", "sphinx": "7.4.7", "jupyter-cache": "1.0.1",
          "jupyter_client": "8.10.0"}


class PrivateApiVersionError(RuntimeError):
    pass


def check_versions(installed=None) -> None:
    """Raise :class:`PrivateApiVersionError` unless every package is at its pinned release."""
    installed = installed if installed is not None else {
        name: metadata.version(name) for name in PINNED}
    wrong = [f"{name} {installed.get(name)} is installed, the build was written against "
             f"{pinned}" for name, pinned in PINNED.items() if installed.get(name) != pinned]
    if wrong:
        raise PrivateApiVersionError(
            "_ext/private_api.py uses private APIs of these packages: " + "; ".join(wrong)
            + ". Install requirements.txt, or re-check _ext/private_api.py against the new "
              "release and move the pin in PINNED.")


# ---------------------------------------------------------------------------- myst-nb glue
def glue_data(document, key: str) -> dict | None:
    """The mime bundle glued under ``key`` in the page being read, or None if there is none."""
    from myst_nb.core.variables import RetrievalError
    from myst_nb.ext.glue.utils import retrieve_glue_data

    try:
        return retrieve_glue_data(document, key).data
    except RetrievalError:
        return None


def execution_cache_path(app) -> str | None:
    """myst-nb's jupyter-cache folder, as configured (None: its default)."""
    return app.env.mystnb_config.execution_cache_path or None


# ---------------------------------------------------------------------------- Sphinx numbers
def set_exercise_numbers(env, docname: str, numbers: dict) -> None:
    """Give the exercises of ``docname`` these numbers (``{node id: (chapter, k)}``)."""
    env.toc_fignumbers.setdefault(docname, {}).setdefault("exercise", {}).update(numbers)


def script_key(script) -> tuple:
    """What makes two scripts of a page's ``script_files`` the same script."""
    # an inline script's filename is None or "" depending on who added it
    return (getattr(script, "filename", script) or None,
            tuple(sorted(getattr(script, "attributes", {}).items())))


def script_type(script) -> str | None:
    return getattr(script, "attributes", {}).get("type")


# ---------------------------------------------------------------------------- jupyter-cache
def execute_into_cache(cache_path: str, pk: int, cwd: str, timeout: int, run):
    """Execute the cached project's notebook ``pk`` with ``run(nb, cwd, timeout) -> (seconds,
    error or None)`` (in place) and store it; returns ``(executed notebook, seconds, error or
    None)``."""
    from jupyter_cache import get_cache
    from jupyter_cache.executors.utils import create_cache_bundle

    cache = get_cache(cache_path)
    project_nb = cache.get_project_notebook(pk)
    seconds, err = run(project_nb.nb, cwd, timeout)
    if err is None:
        for cell in project_nb.nb.cells:      # the timing stamps were only for error reports
            cell.get("metadata", {}).pop("execution", None)
        bundle = create_cache_bundle(project_nb, cwd, None, seconds, None)
        cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
    return project_nb.nb, seconds, err


# ---------------------------------------------------------------------------- jupyter_client
def register_kernel_provisioner(name: str, value: str) -> None:
    """Let a kernel spec name the provisioner ``value`` (``"module:Class"``, importable in
    this process) as ``name``: jupyter_client looks provisioners up among installed entry
    points only, and the build's is a file of ``_ext/``, not an installed package."""
    from importlib.metadata import EntryPoint

    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    KernelProvisionerFactory.instance().provisioners[name] = EntryPoint(
        name, value, KernelProvisionerFactory.GROUP_NAME)
