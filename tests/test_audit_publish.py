"""audit.publish and audit.figure: the table, the JSON, the figure, each written whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit import publish, run
from audit.figure import draw, groups


@pytest.fixture(scope="module")
def audits() -> list:
    return [run("impl", quick=True), run("pytorch-examples", quick=True), run("keras-io", quick=True)]


def test_markdown_table_has_a_row_per_target_with_its_verdict(audits: list) -> None:
    table = publish.markdown(audits, "kl")
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == 3
    assert rows[0].endswith("| none | pass |")
    assert "FAIL" in rows[1]
    assert "transcribed: pytorch/examples vae/main.py @ 0a8329cff339" in rows[1]
    assert "Machine: " in table
    assert "torch " in table


def test_json_round_trips_every_check(audits: list) -> None:
    doc = json.loads(publish.to_json(audits, "kl"))
    assert doc["passed"] is False
    assert [a["target"] for a in doc["audits"]] == ["impl", "pytorch-examples", "keras-io"]
    assert doc["audits"][1]["checks"][1]["name"] == "value float32"


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    path = tmp_path / "out.md"
    path.write_text("old")
    with pytest.raises(TypeError):
        publish.atomic_write(path, 3)  # type: ignore[arg-type]
    assert path.read_text() == "old"
    assert list(tmp_path.iterdir()) == [path]


def test_identical_curves_share_one_line_of_the_figure(audits: list) -> None:
    labels = [label for label, _ in groups(audits)]
    assert labels == ["impl", "pytorch-examples (transcribed) = keras-io (transcribed)"]


def test_figure_is_a_png(audits: list, tmp_path: Path) -> None:
    path = tmp_path / "kl.png"
    draw(audits, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_committed_results_cover_every_builtin_target() -> None:
    """audit/results/ is what ``nox -s audit`` wrote: one audit per built-in, in each kernel's file."""
    from audit.builtins import BUILTINS

    results = Path(__file__).resolve().parents[1] / "audit" / "results"
    for kernel, table in BUILTINS.items():
        doc = json.loads((results / f"{kernel}.json").read_text())
        assert [a["target"] for a in doc["audits"]] == list(table)
        assert doc["versions"]["torch"]
        assert doc["machine"]


def test_docs_show_the_committed_kl_table() -> None:
    root = Path(__file__).resolve().parents[1]
    rows = lambda text: [line for line in text.splitlines() if line.startswith("| `")]  # noqa: E731
    committed = rows((root / "audit" / "results" / "kl.md").read_text())
    assert committed
    assert set(committed) <= set(rows((root / "docs" / "audit.md").read_text()))
