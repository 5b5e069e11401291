"""The README's code runs as written: its example is executed, not just shown."""

from __future__ import annotations

import ast
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README shows a Python example"
    for block in blocks:
        namespace: dict[str, object] = {}
        exec(compile(block, "README.md", "exec"), namespace)  # our own committed file, not user input
        assert namespace["loss"].shape == ()  # type: ignore[attr-defined]


def test_every_nox_session_has_a_row_in_the_readme() -> None:
    noxfile = ast.parse((README.parent / "noxfile.py").read_text())
    sessions = [
        f.name
        for f in noxfile.body
        if isinstance(f, ast.FunctionDef) and any("session" in ast.unparse(d) for d in f.decorator_list)
    ]
    assert "verify" in sessions
    rows = README.read_text()
    assert [s for s in sessions if f"| `nox -s {s}`" not in rows] == []
