"""The report's optional parts, each read from where its owner writes it; a missing part becomes a note.

- questions: ``derivations.questions`` (the viewers' questions under the lecture, each mapped to claims);
- figures: ``experiments/results/*.png`` with the caption and metrics of the JSON beside them;
- benchmarks: ``benchmarks/results/*.json`` (pytest-benchmark's ``--benchmark-json`` format).

Nothing here is ever passed to ``eval`` or ``sympify``: JSON is read as data.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from pathlib import Path
from typing import Any


@dataclasses.dataclass(frozen=True)
class Question:
    """A viewer's question at lecture time ``m:ss`` ("" if none), its answer, the claims that settle it;
    ``reported_error`` marks a comment that reports an error on a slide."""

    timestamp: str
    question: str
    answer: str
    claim_ids: tuple[str, ...]
    reported_error: bool = False


@dataclasses.dataclass(frozen=True)
class Figure:
    """A figure to show: its file, a caption, and the metrics that go with it as (name, value) text."""

    path: Path
    caption: str
    metrics: tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True)
class Table:
    """A titled table of text cells."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def questions(notes: dict[str, str]) -> tuple[Question, ...]:
    """The question map of ``derivations.questions``; a note in ``notes["questions"]`` when it is absent."""
    try:
        module = importlib.import_module("derivations.questions")
    except ImportError as exc:
        notes["questions"] = f"The question map (derivations/questions.py) is not available: {exc}."
        return ()
    return tuple(
        Question(
            q.timestamp or "", q.question, q.answer, tuple(q.claim_ids), bool(getattr(q, "reported_error", 0))
        )
        for q in module.QUESTIONS
    )


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _scalars(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Flatten nested dicts to (dotted key, text) pairs of their scalar leaves."""
    if isinstance(data, dict):
        return [pair for k, v in data.items() for pair in _scalars(v, f"{prefix}{k}.")]
    if isinstance(data, (int, float, str, bool)):
        return [(prefix.rstrip("."), _fmt(data))]
    return []


def figures(results: Path, notes: dict[str, str]) -> tuple[Figure, ...]:
    """Every PNG under ``results``; caption and metrics from the JSON of the same stem, if any."""
    pngs = sorted(results.glob("*.png")) if results.is_dir() else []
    if not pngs:
        notes["figures"] = f"No ablation figure yet ({results.name}/*.png not found)."
    out = []
    for png in pngs:
        meta = png.with_suffix(".json")
        data = json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}
        caption = str(data.pop("caption", png.stem)) if isinstance(data, dict) else png.stem
        out.append(Figure(png, caption, tuple(_scalars(data))))
    return tuple(out)


def benchmarks(results: Path, notes: dict[str, str]) -> tuple[Table, ...]:
    """One table per pytest-benchmark JSON file: name, median seconds and each ``extra_info`` figure."""
    files = sorted(results.glob("*.json")) if results.is_dir() else []
    if not files:
        notes["benchmarks"] = f"No benchmark results yet ({results.name}/*.json not found)."
    tables = []
    for path in files:
        runs = json.loads(path.read_text(encoding="utf-8")).get("benchmarks", [])
        extra = list(dict.fromkeys(k for r in runs for k, _ in _scalars(r.get("extra_info", {}))))
        rows = []
        for r in runs:
            info = dict(_scalars(r.get("extra_info", {})))
            median_us = f"{1e6 * float(r['stats']['median']):.1f}"
            rows.append((str(r.get("name", "")), median_us, *(info.get(k, "") for k in extra)))
        tables.append(Table(path.stem, ("benchmark", "median (µs)", *extra), tuple(rows)))
    return tuple(tables)
