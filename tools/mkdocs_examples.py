"""MkDocs hook: render the example notebooks (``examples/*.py``, Jupytext percent format) as
pages of the site, executed, with their outputs — tables as HTML, figures as inline SVG,
printed text as code blocks. A cell that raises fails the build, so the site never shows
an example that no longer runs.

Named in mkdocs.yml (``hooks:``); the pages appear under ``examples/`` in the nav.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
from pathlib import Path

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def cells(text: str) -> list[tuple[str, str]]:
    """Split a percent-format script into (kind, source) cells: 'markdown' or 'code'."""
    out: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("# %%"):
            out.append(("markdown" if "[markdown]" in line else "code", []))
        elif out:
            out[-1][1].append(line)
    return [(kind, "\n".join(lines).strip("\n")) for kind, lines in out]


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return f'<div class="example-figure">{text[text.index("<svg"):]}</div>'


def _show(value) -> str:
    from matplotlib.figure import Figure

    if isinstance(value, Figure):
        return _svg(value)
    if hasattr(value, "_repr_html_"):
        return f'<div class="example-output">{value._repr_html_()}</div>'
    return f"```text\n{value!r}\n```"


def run_cell(source: str, env: dict) -> list[str]:
    """Execute one code cell; return its outputs as Markdown/HTML blocks."""
    import matplotlib.pyplot as plt

    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    stdout = io.StringIO()
    before = set(plt.get_fignums())
    with contextlib.redirect_stdout(stdout):
        exec(compile(tree, "<example>", "exec"), env)
        value = eval(compile(ast.Expression(last.value), "<example>", "eval"), env) \
            if last is not None else None
    blocks = [f"```text\n{stdout.getvalue().rstrip()}\n```"] if stdout.getvalue().strip() \
        else []
    from matplotlib.figure import Figure

    shown = value if isinstance(value, Figure) else None
    for num in sorted(set(plt.get_fignums()) - before):
        fig = plt.figure(num)
        if fig is not shown:
            blocks.append(_svg(fig))
    if value is not None:
        blocks.append(_show(value))
    plt.close("all")
    return blocks


def render(path: Path) -> str:
    """The Markdown page of one example: its text, its code and what the code printed."""
    import matplotlib

    matplotlib.use("Agg")
    env: dict = {"__name__": "__main__"}
    parts = [f"<small>Source: `examples/{path.name}` (run it with `python examples/"
             f"{path.name}`; the test suite runs it too).</small>\n"]
    cwd = Path.cwd()
    os.chdir(EXAMPLES)
    try:
        for kind, source in cells(path.read_text("utf-8")):
            if kind == "markdown":
                parts.append("\n".join(line[2:] if line.startswith("# ") else line.lstrip("#")
                                       for line in source.splitlines()))
            elif source.strip():
                parts.append(f"```python\n{source}\n```")
                parts.extend(run_cell(source, env))
    finally:
        os.chdir(cwd)
    return "\n\n".join(parts) + "\n"


def on_files(files: Files, config) -> Files:
    for path in sorted(EXAMPLES.glob("[0-9]*.py")):
        files.append(File.generated(config, f"examples/{path.stem}.md",
                                    content=render(path)))
    return files
