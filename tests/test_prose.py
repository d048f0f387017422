"""optim_lib.course.prose.glue writes exactly what myst_nb.glue writes (without its slow import)."""

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

from optim_lib.course import prose
from optim_lib.course.plots import table


class Capture:
    def __init__(self, shell):
        self.calls = []
        self.shell = shell

    def __enter__(self):
        pub = self.shell.display_pub
        self._publish = pub.publish

        def publish(data, metadata=None, **kw):
            self.calls.append((data, metadata))
        pub.publish = publish
        return self

    def __exit__(self, *exc):
        self.shell.display_pub.publish = self._publish


@pytest.mark.parametrize("value", [3.25, np.float64(0.001), "word", 42,
                                   table([[1, 2.5]], ["a", "b"])])
@pytest.mark.parametrize("display", [True, False])
def test_glue_writes_what_myst_nb_writes(value, display):
    from myst_nb import glue as myst_glue

    shell = InteractiveShell.instance()
    with Capture(shell) as ours:
        prose.glue("x", value, display=display)
    with Capture(shell) as theirs:
        myst_glue("x", value, display=display)
    assert ours.calls == theirs.calls and len(ours.calls) == 1
    assert prose.glued["x"] is value


def test_glue_checks_its_name():
    with pytest.raises(ValueError, match="name must be a non-empty string without ':'"):
        prose.glue("a:b", 1)


def test_glue_prefix_is_myst_nbs():
    import myst_nb.ext.glue

    assert prose.GLUE_PREFIX == myst_nb.ext.glue.GLUE_PREFIX
