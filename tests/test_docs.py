"""Docs that cannot go stale: the figures quoted in README.md and docs/ are rerun from the
commands written next to them (compellence.docs_check)."""

from __future__ import annotations

import pytest

from compellence import docs_check as dc

CMD = "compellence run iran-2015-jcpoa --runs 200 --seed 3"


def _doc(tmp_path, quoted: str, command: str = CMD, shown: bool = True):
    path = tmp_path / "d.md"
    block = f"```bash\n{command}\n```\n" if shown else ""
    path.write_text(f"{block}The deal share is <!-- fig: {command} :: outcomes.deal.share :: "
                    f"pct1 -->{quoted}<!-- /fig --> of runs.\n")
    return path


def test_a_stale_figure_is_found_and_updated(tmp_path):
    path = _doc(tmp_path, "99.9%")
    (o,) = dc.check([path])
    assert o.stale and o.value.endswith("%") and o.value != "99.9%"
    assert dc.update([o]) == 1
    (again,) = dc.check([path])
    assert not again.stale and f">{o.value}<" in path.read_text()


def test_the_command_must_be_written_next_to_the_figure(tmp_path):
    with pytest.raises(ValueError, match="not written next to it"):
        dc.check([_doc(tmp_path, "1%", shown=False)])


def test_heavy_figures_and_missing_data_are_skipped_not_passed(tmp_path, monkeypatch):
    path = tmp_path / "h.md"
    path.write_text(f"{CMD}\n<!-- fig heavy: {CMD} :: runs :: int -->1<!-- /fig -->\n"
                    "compellence data baserates --ties $DATA/x.xls\n<!-- fig: compellence "
                    "data baserates --ties $DATA/x.xls :: ties.acquiesced :: pct1 -->1%"
                    "<!-- /fig -->\n")
    monkeypatch.setenv("COMPELLENCE_DATA", str(tmp_path / "none"))
    heavy, data = dc.check([path])
    assert heavy.skipped.startswith("heavy") and data.skipped.startswith("no data")
    assert not heavy.stale and not data.stale


def test_paths_and_formats():
    data = {"a": {"b.c": [0.5, 2]}, "e": [{"id": "x", "v": -0.00001}], "f": True}
    assert dc.pick(data, r"a.b\.c.1") == 2 and dc.pick(data, "e[id=x].v") == -0.00001
    assert dc.render(0.3665, "pct1") == "36.6%" and dc.render(1024, "int") == "1,024"
    assert dc.render(-0.00001, "f3") == "0.000" and dc.render(-0.32, "sf2") == "−0.32"
    assert dc.render(1.6e-10, "e1") == "1.6e-10" and dc.render(True, "f2") == "yes"
    assert dc.render(["a", "b"], "g") == "a, b" and dc.render(None, "f2") == "—"


@pytest.mark.slow
def test_every_quoted_figure_matches_its_command():
    results = dc.check()
    stale = [f"{o.figure.file.name}: {o.figure.path} quoted {o.figure.quoted!r}, now "
             f"{o.value!r}" for o in results if o.stale]
    assert not stale, ("stale figures; refresh them with `python -m compellence.docs_check "
                       "--update`:\n" + "\n".join(stale))
    assert sum(not o.skipped for o in results) >= 10  # the check must check something
