"""Loaders and base rates for real coercion data (read from a path; never shipped).

The data sets carry no redistribution licence: users obtain their own copies
(see docs/evidence.md for where and how to cite them) and pass their paths.
Each loader checks that the file exists, is readable and has the columns it
needs, and raises :class:`DataError` naming the file and what is missing.

- TIES v4.1 (Morgan, Bapat & Kobayashi 2014): ``finaloutcome`` 1–10. Codes 1/2 and
  6/7: the target acquiesces (partly or fully) at the threat stage / after
  imposition; 3/8: the sender capitulates; 4/9: stalemate; 5/10: negotiated
  settlement.
- GSDB release 3 (Felbermayr et al. 2020; Kirilakha et al. 2021): ``objective`` and
  ``success`` are aligned comma lists; one objective-episode per pair.
- ICB v14 actor level (Brecher, Wilkenfeld et al.): ``outcom`` 1 victory,
  2 compromise, 3 stalemate, 4 defeat, 5 other.
- Archigos 4.1 (Goemans, Gleditsch & Chiozza 2009): ``exit`` and ``posttenurefate``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


class DataError(ValueError):
    """A data file is missing, unreadable or lacks a needed column."""


def _read(path: str | Path, reader, needed: tuple[str, ...], what: str) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file (expected the {what})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = reader(path)
    except Exception as exc:  # pandas raises many kinds for a wrong file
        raise DataError(f"{path}: cannot read it as the {what} ({type(exc).__name__}: "
                        f"{str(exc)[:120]})") from None
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)} (expected the {what})")
    return frame


def load_ties(path: str | Path) -> pd.DataFrame:
    """TIES v4.1 (.xls, read with xlrd)."""
    from compellence.extras import require

    require("xlrd", "reading TIES (.xls)")
    return _read(path, lambda p: pd.read_excel(p, engine="xlrd"),
                 ("caseid", "targetstate", "finaloutcome"), "TIES v4.1 .xls")


def load_gsdb(path: str | Path) -> pd.DataFrame:
    """GSDB release 3, one row per (case, objective) pair."""
    frame = _read(path, pd.read_csv, ("case_id", "objective", "success"), "GSDB v3 .csv")
    rows = []
    for case, obj, suc in zip(frame["case_id"], frame["objective"].fillna(""),
                              frame["success"].fillna(""), strict=True):
        objs = [x.strip() for x in str(obj).split(",")]
        sucs = [x.strip() for x in str(suc).split(",")]
        rows.extend((case, o, s) for o, s in zip(objs, sucs, strict=False))
    return pd.DataFrame(rows, columns=["case_id", "objective", "success"])


def load_icb(path: str | Path) -> pd.DataFrame:
    """ICB v14 actor level (UTF-8 with BOM)."""
    return _read(path, lambda p: pd.read_csv(p, encoding="utf-8-sig"),
                 ("crisno", "actor", "outcom"), "ICB v14 actor-level .csv")


def load_archigos(path: str | Path) -> pd.DataFrame:
    """Archigos 4.1 leader spells."""
    return _read(path, pd.read_csv, ("leader", "ccode", "startdate", "enddate", "exit",
                                     "posttenurefate"), "Archigos 4.1 .csv")


TIES_ACQUIESCE = (1, 2, 6, 7)
TIES_SETTLE = (5, 10)
TIES_SENDER_GIVES_UP = (3, 8)
TIES_STALEMATE = (4, 9)


def ties_rates(ties: pd.DataFrame) -> dict[str, float]:
    """The TIES shares quoted in shared/data/README.md (and more)."""
    coded = ties.dropna(subset=["finaloutcome"])
    fo = coded["finaloutcome"].astype(int)
    threat, imposed = fo[fo <= 5], fo[fo >= 6]
    return {
        "cases_coded": len(fo),
        "acquiesced_or_settled": float(fo.isin((*TIES_ACQUIESCE, *TIES_SETTLE)).mean()),
        "acquiesced": float(fo.isin(TIES_ACQUIESCE).mean()),
        "settled": float(fo.isin(TIES_SETTLE).mean()),
        "stalemate": float(fo.isin(TIES_STALEMATE).mean()),
        "sender_gave_up": float(fo.isin(TIES_SENDER_GIVES_UP).mean()),
        "threat_stage_cases": len(threat),
        "threat_stage_acquiesced": float(threat.isin((1, 2)).mean()),
        "imposed_cases": len(imposed),
        "imposed_acquiesced": float(imposed.isin((6, 7)).mean()),
        "imposed_sender_gave_up": float((imposed == 8).mean()),
        "iran_as_target": int((ties["targetstate"] == 630).sum()),
    }


#: For each data set, the count each share is taken over (the first matching prefix wins).
DENOMINATORS = {
    "ties": (("threat_stage_", "threat_stage_cases"), ("imposed_", "imposed_cases"),
             ("", "cases_coded")),
    "gsdb": (("", "episodes_concluded"),),
    "icb": (("", "actors"),),
    "archigos": (("irregular_", "irregular_fate_known"), ("regular_ok", "regular_fate_known"),
                 ("exit_", "spells_ended")),
}


def share_denominator(dataset: str, key: str, rates: dict[str, float]) -> int | None:
    """How many cases the share ``key`` of a data set's rates is taken over (None: the
    figure is not a share, e.g. a mean or a count)."""
    value = rates[key]
    if isinstance(value, int) or not 0 <= value <= 1 or key == "removed_per_year":
        return None
    for prefix, count in DENOMINATORS.get(dataset, ()):
        if key.startswith(prefix) and count in rates:
            return int(rates[count])
    return None


def gsdb_rates(gsdb: pd.DataFrame) -> dict[str, float]:
    """GSDB shares over concluded objective-episodes (ongoing excluded)."""
    done = gsdb[gsdb["success"] != "ongoing"]
    s = done["success"]
    return {
        "episodes_concluded": len(done),
        "success_total": float((s == "success_total").mean()),
        "success_total_or_part": float(s.isin(("success_total", "success_part")).mean()),
        "negotiated": float((s == "nego_settlement").mean()),
        "failed": float((s == "failed").mean()),
    }


def icb_rates(icb: pd.DataFrame) -> dict[str, float]:
    """ICB actor-level outcome shares over actors with a coded outcome."""
    o = icb["outcom"].dropna()
    return {"actors": len(o), "victory": float((o == 1).mean()),
            "compromise": float((o == 2).mean()), "stalemate": float((o == 3).mean()),
            "defeat": float((o == 4).mean())}


def archigos_rates(arch: pd.DataFrame) -> dict[str, float]:
    """Exit and post-tenure fate shares over ended spells (fates with known values)."""
    ended = arch[arch["exit"] != "Still in Office"]
    known = ended[~ended["posttenurefate"].astype(str).str.startswith("Missing")]
    irr = known[known["exit"] == "Irregular"]["posttenurefate"]
    reg = known[known["exit"] == "Regular"]["posttenurefate"]
    years = (pd.to_datetime(ended["enddate"], errors="coerce")
             - pd.to_datetime(ended["startdate"], errors="coerce")).dt.days / 365.25
    removed = float(ended["exit"].isin(("Irregular", "Foreign")).mean())
    return {
        "spells_ended": len(ended),
        "exit_regular": float((ended["exit"] == "Regular").mean()),
        "exit_irregular": float((ended["exit"] == "Irregular").mean()),
        "exit_natural_death": float((ended["exit"] == "Natural Death").mean()),
        "exit_foreign": float((ended["exit"] == "Foreign").mean()),
        "irregular_killed": float((irr == "Death").mean()),
        "irregular_exiled": float((irr == "Exile").mean()),
        "irregular_imprisoned": float((irr == "Imprisonment").mean()),
        "irregular_fate_known": len(irr),
        "regular_ok": float((reg == "OK").mean()),
        "regular_fate_known": len(reg),
        "mean_spell_years": float(years.mean()),
        "removed_per_year": removed / float(years.mean()),
    }


@dataclass
class OutcomeShares:
    """Observed outcome classes in the model's vocabulary (for base rates)."""

    capitulation: float
    deal: float
    ongoing: float
    source: str


def ties_outcome_shares(ties: pd.DataFrame) -> OutcomeShares:
    """TIES in the model's classes: acquiescence → capitulation, negotiated settlement →
    deal, stalemate or the sender giving up → ongoing resistance (the target did not yield)."""
    r = ties_rates(ties)
    return OutcomeShares(r["acquiesced"], r["settled"], r["stalemate"] + r["sender_gave_up"],
                         f"TIES v4.1, {r['cases_coded']} coded cases")
