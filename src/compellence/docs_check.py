"""Docs that cannot go stale: every model figure quoted in README.md and docs/ is marked
with the command that produces it, and this module reruns the commands and compares.

A quoted figure is written as

    <!-- fig: compellence game X :: beliefs.qre.threshold :: f3 -->0.463<!-- /fig -->

(the HTML comments do not render). The command must also appear, verbatim, in the same
file outside the markers (a code block next to the figure), so a reader sees where each
figure comes from. The command runs once (with ``--json`` added), the path picks a value
from its JSON, the format writes it (``f3`` 0.463, ``pct1`` 36.6%, ``e1`` 1.6e-10, ``int``
1,024, ``g`` 4.09, ``sf2`` −0.32, a list as 'a, b', a bool as yes/no). ``$DATA`` in a
command is the folder of the real data sets (``COMPELLENCE_DATA``, default
``/work/shared/data/coercion``); without it those figures are skipped. ``fig heavy:``
marks a figure whose command takes minutes (checked with ``--heavy``).

    python -m compellence.docs_check            # compare; exit 1 on a stale figure
    python -m compellence.docs_check --update   # rewrite every figure from its command
    python -m compellence.docs_check --heavy --update   # the slow ones too

A path is dotted keys (``\\.`` for a dot inside a key) and list indices
(``claims.0.essay``), or ``list[key=value]`` to pick
the element of a list of objects whose ``key`` is ``value`` (``episodes[id=1988].model``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = "/work/shared/data/coercion"
MARK = re.compile(r"<!-- fig(?P<heavy> heavy)?: (?P<cmd>.+?) :: (?P<path>\S+) :: "
                  r"(?P<fmt>\w+) -->(?P<value>.*?)<!-- /fig -->", re.S)


@dataclass
class Figure:
    """One quoted figure: where it is, its command, JSON path, format and quoted text."""

    file: Path
    command: str
    path: str
    fmt: str
    quoted: str
    heavy: bool
    span: tuple[int, int]


def doc_files(root: Path = ROOT) -> list[Path]:
    """README.md and every Markdown file under docs/."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def figures(path: Path) -> list[Figure]:
    """The marked figures of one Markdown file."""
    text = path.read_text("utf-8")
    return [Figure(path, m["cmd"].strip(), m["path"], m["fmt"], m["value"], bool(m["heavy"]),
                   m.span("value")) for m in MARK.finditer(text)]


def visible(path: Path) -> str:
    """The file's text without the figure markers (what a reader sees, plus code blocks)."""
    return re.sub(r"<!-- fig.*?-->", "", path.read_text("utf-8"), flags=re.S)


def pick(data: Any, path: str) -> Any:
    """The value at a dotted path, with list indices and [key=value] selectors."""
    for raw in re.split(r"(?<!\\)\.", path):
        part = raw.replace("\\.", ".")
        m = re.fullmatch(r"(\w*)\[(\w+)=([^\]]+)\]", part)
        if m:
            if m[1]:
                data = data[m[1]]
            matches = [x for x in data if str(x.get(m[2])) == m[3]]
            if len(matches) != 1:
                raise KeyError(f"{path}: {len(matches)} elements have {m[2]} = {m[3]}")
            data = matches[0]
        elif isinstance(data, list):
            data = data[int(part)]
        else:
            data = data[part]
    return data


def render(value: Any, fmt: str) -> str:
    """A value written as the format says (see the module docstring)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str):
        return value
    v = float(value)
    if math.isnan(v):
        return "—"
    if fmt == "int":
        return f"{round(v):,}"
    if fmt == "g":
        return f"{v:.3g}"
    kind, digits = fmt[:-1], int(fmt[-1])
    if kind == "pct":
        text = f"{100 * v:.{digits}f}%"
    elif kind == "f":
        text = f"{v:.{digits}f}"
    elif kind == "sf":  # signed
        text = f"{v:+.{digits}f}".replace("-", "−")
    elif kind == "e":
        text = f"{v:.{digits}e}".replace("e-0", "e-").replace("e+0", "e")
    else:
        raise ValueError(f"unknown figure format {fmt!r}")
    return "0" + text[2:] if text.startswith("-0") and float(text.rstrip("%")) == 0 else text


def data_dir() -> Path:
    return Path(os.environ.get("COMPELLENCE_DATA", DEFAULT_DATA))


def run_command(command: str) -> Any:
    """Run a ``compellence ...`` command in-process with --json, in a temporary directory;
    its parsed output."""
    from typer.testing import CliRunner

    from compellence.cli import app

    args = shlex.split(command.replace("$DATA", str(data_dir())))
    if args[0] != "compellence":
        raise ValueError(f"{command!r}: a figure's command starts with 'compellence'")
    args = args[1:] + ([] if "--json" in args else ["--json"])
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:   # files it writes (--out x.duckdb) go
        os.chdir(scratch)
        try:
            r = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
        finally:
            os.chdir(here)
    if r.exit_code not in (0, 1):
        raise RuntimeError(f"{command!r} exited {r.exit_code}: {r.output[-500:]}")
    return json.loads(r.stdout)


@dataclass
class Outcome:
    """The check of one figure: its recomputed text, or why it was skipped."""

    figure: Figure
    value: str | None
    skipped: str = ""
    missing: str = ""   # the command no longer prints this path: the text needs rewriting

    @property
    def stale(self) -> bool:
        return not self.skipped and (bool(self.missing) or self.value != self.figure.quoted)


def check(files: list[Path] | None = None, heavy: bool = False,
          progress: bool = False, exclude: list[str] | None = None) -> list[Outcome]:
    """Recompute every marked figure (each command once)."""
    cache: dict[str, Any] = {}
    results = []
    for path in files or doc_files():
        seen = visible(path)
        for fig in figures(path):
            if fig.command not in seen:
                raise ValueError(f"{path.name}: the command of a quoted figure is not written "
                                 f"next to it: {fig.command}")
            if fig.heavy and not heavy:
                results.append(Outcome(fig, None, "heavy (run with --heavy)"))
                continue
            if any(x in fig.command for x in exclude or ()):
                results.append(Outcome(fig, None, "excluded"))
                continue
            if "$DATA" in fig.command and not data_dir().exists():
                results.append(Outcome(fig, None, f"no data at {data_dir()}"))
                continue
            if fig.command not in cache:
                if progress:
                    print(f"running: {fig.command}", file=sys.stderr)
                cache[fig.command] = run_command(fig.command)
            try:
                value = pick(cache[fig.command], fig.path)
            except (KeyError, IndexError, TypeError) as exc:
                results.append(Outcome(fig, None, missing=f"the output has no {exc}"))
                continue
            results.append(Outcome(fig, render(value, fig.fmt)))
    return results


def update(results: list[Outcome]) -> int:
    """Write each recomputed figure into its file; the number of figures changed."""
    changed = 0
    by_file: dict[Path, list[Outcome]] = {}
    for o in results:
        if o.stale and not o.missing:   # a missing path needs a writer, not a number
            by_file.setdefault(o.figure.file, []).append(o)
    for path, items in by_file.items():
        text = path.read_text("utf-8")
        for o in sorted(items, key=lambda o: o.figure.span[0], reverse=True):
            a, b = o.figure.span
            text = text[:a] + str(o.value) + text[b:]
            changed += 1
        path.write_text(text, "utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m compellence.docs_check",
                                     description="Rerun the commands behind the figures "
                                                 "quoted in README.md and docs/.")
    parser.add_argument("--update", action="store_true", help="rewrite stale figures")
    parser.add_argument("--heavy", action="store_true", help="include minutes-long commands")
    parser.add_argument("--exclude", action="append", default=[], metavar="TEXT",
                        help="skip figures whose command contains TEXT (repeatable)")
    parser.add_argument("files", nargs="*", type=Path, help="only these Markdown files")
    ns = parser.parse_args(argv)
    results = check(ns.files or None, ns.heavy, progress=True, exclude=ns.exclude)
    stale = [o for o in results if o.stale]
    for o in results:
        if o.skipped:
            print(f"skipped {o.figure.file.name}: {o.figure.path} ({o.skipped})")
    for o in stale:
        now = f"missing ({o.missing}): rewrite the sentence" if o.missing else repr(o.value)
        print(f"{o.figure.file.name}: {o.figure.command} :: {o.figure.path}: quoted "
              f"{o.figure.quoted!r}, now {now}")
    if ns.update:
        print(f"{update(results)} figure(s) rewritten in place")
        return 0
    print(f"{len(results) - len(stale)} of {len(results)} figures current"
          + (f", {len(stale)} stale (python -m compellence.docs_check --update)" if stale
             else ""))
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
