"""Browser fixtures (see tests/browser_support.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from browser_support import browser  # noqa: E402,F401
