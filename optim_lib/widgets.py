"""Explorers, importable from one place: the framework and every chapter's explorer.

* :mod:`optim_lib.explorer` — :class:`Explorer` (a figure, its ``update`` and its
  controls, shown live with ipywidgets or as a kernel-free frame player) and the controls
  (``float_slider``, ``log_slider``, ``int_slider``, ``choice``).
* :mod:`optim_lib.explorers_digits` — chapters 1 to 5 on the digits data.
* :mod:`optim_lib.explorers_paths` — optimizer paths on landscapes (chapters 5 to 11)
  and the appendix's step cost.
* :mod:`optim_lib.explorers_momentum` — momentum's two directions on a narrow valley
  (chapters 6 and 7).
* :mod:`optim_lib.explorers_network` — the network race (chapter 12), Adam + L2 against
  AdamW (chapter 13) and the learning-rate schedules (chapter 14).
"""

from .explorer import Control, Explorer, choice, float_slider, int_slider, log_slider
from .explorers_digits import (digits_lr_explorer, gradient_check_explorer,
                               numeric_gradient_explorer, random_search_explorer,
                               sgd_batch_explorer)
from .explorers_paths import (noise_explorer, race_explorer, step_cost_explorer,
                              trajectory_explorer, zigzag_explorer)
from .explorers_momentum import directions_explorer
from .explorers_network import decay_explorer, network_race_explorer, schedule_explorer

__all__ = ["Control", "Explorer", "float_slider", "log_slider", "int_slider", "choice",
           "trajectory_explorer", "random_search_explorer", "numeric_gradient_explorer",
           "gradient_check_explorer", "digits_lr_explorer", "sgd_batch_explorer",
           "zigzag_explorer", "noise_explorer", "race_explorer", "step_cost_explorer",
           "directions_explorer", "network_race_explorer", "decay_explorer", "schedule_explorer"]
