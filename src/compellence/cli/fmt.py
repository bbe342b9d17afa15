"""Numbers and tables for people: no ``nan``, no ``-0.000``, no ``10.000`` for a count,
intervals written the same way everywhere, tables that fit an 80-column terminal."""

from __future__ import annotations

import math
from typing import Any

from rich.table import Table

DASH = "—"


def num(value: Any, digits: int = 3, signed: bool = False) -> str:
    """A number as people read it: '—' for missing/NaN, integers without decimals, no '-0'."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return DASH
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    text = f"{v:+.{digits}f}" if signed else f"{v:.{digits}f}"
    if float(text) == 0:  # '-0.000' reads as a negative figure
        text = ("+" if signed else "") + f"{0:.{digits}f}"
    return text


def count(value: Any) -> str:
    """A count: '1,234' (a float holding a whole number loses its '.000')."""
    if value is None:
        return DASH
    v = float(value)
    if math.isnan(v):
        return DASH
    return f"{round(v):,}" if v == round(v) else f"{v:,.1f}"


def pct(value: Any, digits: int = 1) -> str:
    """A share as a percentage: 0.366 → '36.6%'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    return f"{100 * float(value):.{digits}f}%"


def interval(iv: Any, digits: int = 3) -> str:
    """'[0.371, 0.452]' for an analysis.intervals.Interval (or a (low, high) pair)."""
    lo, hi = (iv.low, iv.high) if hasattr(iv, "low") else iv
    return f"[{num(lo, digits)}, {num(hi, digits)}]"


def with_interval(iv: Any, digits: int = 3) -> str:
    """'0.412 [0.371, 0.452]'."""
    return f"{num(iv.estimate, digits)} {interval(iv, digits)}"


def plus_minus(estimate: float, half: float, digits: int = 2) -> str:
    """'0.41 ±0.07' (compact, for narrow tables)."""
    if half != half:  # NaN
        return num(estimate, digits)
    return f"{num(estimate, digits)} ±{num(half, digits)}"


def table(title: str | None = None, **kwargs: Any) -> Table:
    """A rich table that wraps text rather than truncating it (fits 80 columns)."""
    kwargs.setdefault("title_justify", "left")
    return Table(title=title, **kwargs)


def column(tab: Table, header: str, right: bool = False, **kwargs: Any) -> None:
    """Add a column that folds long words instead of cutting them with '…'."""
    kwargs.setdefault("overflow", "fold")
    tab.add_column(header, justify="right" if right else "left", **kwargs)


def text_value(value: Any) -> str:
    """Any value for a table cell: numbers by :func:`num`, dicts as 'k v, k v'."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {text_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(text_value(v) for v in value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return num(value) if isinstance(value, float) else count(value)
    return num(value) if isinstance(value, bool) else str(value)
