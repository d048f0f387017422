"""Helpers shared by the tests of figures and explorers."""


def line(ax, label):
    """The one line of ``ax`` labelled ``label`` (fails if there is none or several)."""
    (found,) = [ln for ln in ax.get_lines() if ln.get_label() == label]
    return found
