"""The rhetoric section of a report: yearly series of the claimed measures (nuclear talks
marked) and the validation table, as one HTML fragment (no texts, only scores)."""

from __future__ import annotations

import html
import io
import math

import pandas as pd

CAVEAT = ("Features of public, translated, strategic rhetoric, scored by rule against UN "
          "General Debate speeches; not a measurement of beliefs or of a mind, and not a "
          "forecast of real events.")


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _cell(v) -> str:
    if isinstance(v, float):
        return "" if math.isnan(v) else f"{v:+.3f}"
    return html.escape(str(v))


def rhetoric_section(tables: dict[str, pd.DataFrame], speaker: str = "khamenei",
                     measures: list[str] | None = None) -> str:
    """HTML: one figure per measure (default: the claimed ones) and the validation table."""
    from compellence.rhetoric.plot import yearly, yearly_figure
    from compellence.rhetoric.validation import claimed

    ok = claimed(tables["validation"])
    chosen = measures or [m for m, v in ok.items() if v]
    sp = tables["speeches"]
    sel = sp[(sp["corpus"] == "target") & sp["speaker_key"].str.contains(speaker, regex=False)]
    parts = [f"<h2>The leader's words: {html.escape(speaker)}</h2>",
             f"<p class='caveat'>{CAVEAT}</p>"]
    for m in chosen:
        ys = yearly(sel, tables["reference_stats"], m)
        parts.append(f"<figure>{_svg(yearly_figure(ys, m, speaker, ok.get(m, False)))}"
                     f"<figcaption>{html.escape(m)}: yearly pooled z-score with its 95% "
                     "bootstrap interval; grey bands are nuclear talks.</figcaption></figure>")
    v = tables["validation"][["test", "n", "expected", "estimate", "lo", "hi", "passed"]]
    head = "".join(f"<th>{c}</th>" for c in v.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_cell(x)}</td>" for x in r) + "</tr>"
                   for r in v.itertuples(index=False))
    parts.append("<h3>Validation (rules fixed before computing)</h3>"
                 f"<table><tr>{head}</tr>{rows}</table>")
    return "".join(parts)


def standalone(section: str, title: str) -> str:
    """The section as a self-contained page."""
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;"
            "max-width:60em;margin:auto}td,th{padding:2px 8px;border-bottom:1px solid #ddd}"
            ".caveat{color:#844}</style></head><body>" + section + "</body></html>")
