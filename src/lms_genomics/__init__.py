"""lmsgen: molecular profiling of leiomyosarcoma (OncoScan/ChAS copy number first).

Pipelines use::

    from lms_genomics import classify
    result = classify("sample_folder/")
    result.profile_class, result.gene_call("RB1"), result.to_dict()

Heavy modules are imported on first use so that ``import lms_genomics`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import InputError, LmsgenError, NoInputError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from .genome import load_genes
    from .io.chas import read_chas
    from .result import SampleResult
    from .sample import classify, classify_all
    from .thresholds import Thresholds

_LAZY = {
    "classify": ("sample", "classify"),
    "classify_all": ("sample", "classify_all"),
    "SampleResult": ("result", "SampleResult"),
    "Thresholds": ("thresholds", "Thresholds"),
    "read_chas": ("io.chas", "read_chas"),
    "load_genes": ("genome", "load_genes"),
}

__all__ = ["__version__", "InputError", "LmsgenError", "NoInputError", "UsageError", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'lms_genomics' has no attribute {name!r}")
