"""Heavy libraries imported on first use.

The copy-number path (ChAS/.seg → calls → JSON/TSV, ``lmsgen cohort``) runs on numpy alone; pandas serves the
public DataFrame boundary (``read_chas``/``read_seg``, ``SampleResult.genes``...), the variant path (VCFs) and the
plots. Modules that use pandas in some of their functions import it as ``from .._lazy import pandas as pd``: the
name behaves as the module, but pandas (~0.4 s and ~40 MB) is imported only when a function first uses it, so a
process that never needs it never loads it. ``"pandas" in sys.modules`` stays False on the copy-number path
(``tests/test_engine.py`` checks it).
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """A stand-in for a module, imported at the first attribute access; each attribute is then cached on the
    stand-in, so later accesses cost what a module attribute costs."""

    def __init__(self, name: str) -> None:
        self.__dict__["_LazyModule__name"] = name

    def __getattr__(self, attr: str) -> Any:
        value = getattr(importlib.import_module(self.__name), attr)
        self.__dict__[attr] = value
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self.__name!r}>"


pandas: Any = LazyModule("pandas")
