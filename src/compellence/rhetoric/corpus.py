"""Read a folder of speeches from the user's path (texts are never copied anywhere).

Two layouts are recognised:

- ``khamenei-en``: one ``N.txt`` per speech whose first non-blank line is
  ``<meta year="…" title="…"/>`` (the Khamenei-Corpus project's format);
- the UN General Debate corpus: ``ISO_session_year.txt`` files, with speaker names
  and posts from ``Speakers_by_session.xlsx`` in the same folder (read with openpyxl).

Speeches shorter than ``min_words`` are skipped and counted. Bad input raises
:class:`CorpusError` naming the file, the field and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from compellence.rhetoric.text import word_count

#: Default minimum speech length in words: shorter texts give too few sentences to score.
MIN_WORDS = 200

_META_RE = re.compile(r'^\ufeff?\s*<meta\s+year="(\d{4})"\s+title="([^"]*)"\s*/>\s*$')
_UN_RE = re.compile(r"^([A-Z]{3})_(\d{1,3})_(\d{4})\.txt$")


class CorpusError(ValueError):
    """A corpus problem: the file, the field and what was expected."""

    def __init__(self, source: str | Path, fld: str, message: str) -> None:
        super().__init__(f"{source}: {fld}: {message}")


def speaker_key(name: str | None) -> str:
    """A speaker's name reduced to lower-case letters ("Mr. Mhmoud Ahmadi-Nejad" →
    "mrmhmoudahmadinejad"), for substring selection."""
    return re.sub(r"[^a-z]", "", (name or "").lower())


@dataclass
class Corpus:
    """A corpus: per-speech metadata (no texts) and where to read each text from."""

    root: Path
    kind: str
    meta: pd.DataFrame
    skipped_short: int = 0
    notes: list[str] = field(default_factory=list)

    def texts(self) -> Iterator[tuple[str, str]]:
        """(speech id, text) for every kept speech, read from the user's folder."""
        for sid, fname in zip(self.meta["speech_id"], self.meta["file"], strict=True):
            yield sid, _body(self.root / fname, self.kind)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise CorpusError(path, "file", f"cannot be read ({exc.strerror})") from exc


def _body(path: Path, kind: str) -> str:
    text = _read(path)
    return _split_meta(text)[1] if kind == "khamenei" else text


def _split_meta(text: str) -> tuple[str, str]:
    """(first non-blank line, the rest) of a khamenei-format file."""
    first, _, body = text.lstrip("\ufeff \t\r\n").partition("\n")
    return first, body


def detect(root: Path) -> str:
    """``"khamenei"`` or ``"ungdc"`` from the folder's files, else a CorpusError."""
    if not root.is_dir():
        raise CorpusError(root, "path", "expected a folder of speeches")
    names = [p.name for p in root.iterdir() if p.suffix == ".txt"]
    if not names:
        raise CorpusError(root, "path", "no .txt speeches in this folder")
    if any(_UN_RE.match(n) for n in names):
        return "ungdc"
    return "khamenei"


def load_corpus(path: str | Path, min_words: int = MIN_WORDS) -> Corpus:
    """Read a corpus folder's metadata (and each text once, to count words)."""
    root = Path(path).expanduser()
    kind = detect(root)
    return _load_un(root, min_words) if kind == "ungdc" else _load_khamenei(root, min_words)


def _load_khamenei(root: Path, min_words: int) -> Corpus:
    rows, short = [], 0
    for p in sorted(root.glob("*.txt"), key=lambda q: (len(q.stem), q.stem)):
        text = _read(p)
        first, body = _split_meta(text)
        m = _META_RE.match(first)
        if not m:
            raise CorpusError(p, "line 1", 'expected <meta year="YYYY" title="…"/> '
                              "as the first non-blank line")
        n = word_count(body)
        if n < min_words:
            short += 1
            continue
        rows.append({"speech_id": f"{root.name}/{p.name}", "file": p.name,
                     "speaker": "Ali Khamenei", "iso": "IRN", "year": int(m.group(1)),
                     "session": None, "title": m.group(2), "post": "Supreme Leader",
                     "n_words": n})
    return Corpus(root, "khamenei", _frame(rows), short)


def _speakers(root: Path) -> dict[tuple[str, int], tuple[str, str]]:
    xlsx = root / "Speakers_by_session.xlsx"
    if not xlsx.exists():
        raise CorpusError(root, "Speakers_by_session.xlsx",
                          "expected the UN General Debate speaker table in the folder")
    from compellence.extras import require

    openpyxl = require("openpyxl", "reading the UN General Debate speaker table (.xlsx)")

    try:
        wb = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise CorpusError(xlsx, "workbook", f"not a readable .xlsx ({exc})") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h).strip() if h else "" for h in next(rows, ())]
    need = ("Year", "ISO Code", "Name of Person Speaking", "Post")
    missing = [h for h in need if h not in header]
    if missing:
        wb.close()
        raise CorpusError(xlsx, "header", f"expected columns {', '.join(need)}; "
                          f"missing {', '.join(missing)}")
    ix = {h: header.index(h) for h in need}
    out: dict[tuple[str, int], tuple[str, str]] = {}
    for r in rows:
        year, iso = r[ix["Year"]], r[ix["ISO Code"]]
        if isinstance(year, int | float) and iso:
            name = str(r[ix["Name of Person Speaking"]] or "").strip()
            out[(str(iso).strip(), int(year))] = (name, str(r[ix["Post"]] or "").strip())
    wb.close()
    return out


def _load_un(root: Path, min_words: int) -> Corpus:
    who = _speakers(root)
    rows, short, unnamed = [], 0, 0
    for p in sorted(root.glob("*.txt")):
        m = _UN_RE.match(p.name)
        if not m:
            raise CorpusError(p, "file name", "expected ISO_session_year.txt, e.g. IRN_42_1987.txt")
        iso, session, year = m.group(1), int(m.group(2)), int(m.group(3))
        n = word_count(_read(p))
        if n < min_words:
            short += 1
            continue
        name, post = who.get((iso, year), ("", ""))
        unnamed += not name
        rows.append({"speech_id": f"{root.name}/{p.name}", "file": p.name, "speaker": name,
                     "iso": iso, "year": year, "session": session, "title": None,
                     "post": post, "n_words": n})
    notes = [f"{unnamed} speeches have no speaker in Speakers_by_session.xlsx"] if unnamed else []
    return Corpus(root, "ungdc", _frame(rows), short, notes)


def _frame(rows: list[dict]) -> pd.DataFrame:
    cols = ["speech_id", "file", "speaker", "iso", "year", "session", "title", "post",
            "n_words"]
    df = pd.DataFrame(rows, columns=cols)
    df["speaker_key"] = df["speaker"].map(speaker_key)
    return df
