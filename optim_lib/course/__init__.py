"""The course's presentation: what the chapters show, built on the rules of :mod:`optim_lib`.

Nothing here computes a result the prose relies on; every module imports the rules,
and no rule imports from here (``tests/test_layers.py`` checks both directions).

======================== ======================================================
``plots``                contours, trajectories, loss curves; the palette (colour,
                         line style and marker per optimizer)
``player``               the kernel-free player: every control, frames precomputed
``alt_text``             alt text for every figure and frame, from what it says;
                         :func:`~optim_lib.course.alt_text.install_figure_alt`
``explorer``             the explorer framework: sliders (live, ipywidgets) and their
                         kernel-free twins (the website)
``classifier_explorers`` explorers on the linear classifier: random search, numeric
                         and analytic gradients, learning rate, batch size
``path_explorers``       optimizer paths on landscapes, noise, the race, a step's cost
``valley_explorer``      momentum's two directions on a narrow valley
``network_explorers``    the network race, Adam + L2 against AdamW, schedules
``search_explorer``      the random search itself: each trial a point
``orthogonal_explorer``  what Newton–Schulz iterations do to singular values
``prose``                numbers the prose quotes, for the website and JupyterLab alike
``cheatsheet``           every rule side by side, generated from the rules themselves
``exercises``            the checker framework and the checkers of the classifier, the
                         losses and the update rules
``adam_exercises``       where ε sits: Adam's two forms and their look-alikes
``decay_exercises``      decoupled weight decay and learning-rate decay
``rule_exercises``       Lion's step and one Newton–Schulz iteration
======================== ======================================================
"""
