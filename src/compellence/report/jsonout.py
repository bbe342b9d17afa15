"""Strict JSON for every output: NaN and ±inf become null, never the non-standard ``NaN``.

A statistic with nothing to summarise (the median round of an outcome no run reached,
a leader's legacy when no leader died) is undefined, and JSON says so with ``null``;
``allow_nan=False`` then guarantees that no non-standard token slips through.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np


def finite(obj: Any) -> Any:
    """A copy of obj with every non-finite float replaced by None (numpy scalars unwrapped)."""
    if isinstance(obj, dict):
        return {str(k): finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def dumps(obj: Any, indent: int | None = 2) -> str:
    """Strict JSON text (RFC 8259): undefined figures are null."""
    return json.dumps(finite(obj), indent=indent, allow_nan=False)
