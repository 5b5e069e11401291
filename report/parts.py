"""The report's optional parts, each read from where its owner writes it; a missing part becomes a note.

- questions: ``derivations.claims.questions`` (the viewers' questions under the lecture, mapped to claims);
- figures: ``experiments/results/*.png`` with the caption and metrics of the JSON beside them;
- benchmarks: in ``report.bench``.

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
class Table:
    """A titled table of text cells."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclasses.dataclass(frozen=True)
class Figure:
    """A figure to show: its file, a caption, metrics as (name, value) text, and tables of metrics."""

    path: Path
    caption: str
    metrics: tuple[tuple[str, str], ...]
    tables: tuple[Table, ...] = ()


def questions(notes: dict[str, str]) -> tuple[Question, ...]:
    """The question map of ``derivations.claims.questions``; a note in ``notes["questions"]`` if absent."""
    try:
        module = importlib.import_module("derivations.claims.questions")
    except ImportError as exc:
        notes["questions"] = f"The question map (derivations/claims/questions.py) is not available: {exc}."
        return ()
    return tuple(
        Question(
            q.timestamp or "", q.question, q.answer, tuple(q.claim_ids), bool(getattr(q, "reported_error", 0))
        )
        for q in module.QUESTIONS
    )


def fmt(value: Any) -> str:
    """A number to 4 significant digits; a list of them comma-separated."""
    if isinstance(value, list):
        return ", ".join(map(fmt, value))
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def scalars(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Flatten nested dicts to (dotted key, text) pairs of their scalar leaves."""
    if isinstance(data, dict):
        return [pair for k, v in data.items() for pair in scalars(v, f"{prefix}{k}.")]
    if isinstance(data, (int, float, str, bool)) or (
        isinstance(data, list) and all(isinstance(v, (int, float)) for v in data)
    ):
        return [(prefix.rstrip("."), fmt(data))]
    return []


def _tables(data: dict[str, Any]) -> tuple[list[Table], dict[str, Any]]:
    """Entries mapping names to dicts with one shared key set become tables (rows: those keys, columns: the
    names), as ``{"objectives": {"kl-only": {...}, "both": {...}}}``; the rest is returned as it is."""
    tables, rest = [], {}
    for key, value in data.items():
        inner = list(value.values()) if isinstance(value, dict) and len(value) > 1 else []
        if inner and all(isinstance(v, dict) and v.keys() == inner[0].keys() for v in inner):
            rows = [(m, *(fmt(v[m]) for v in inner)) for m in inner[0] if not isinstance(inner[0][m], dict)]
            tables.append(Table(key, ("metric", *value), tuple(rows)))
        else:
            rest[key] = value
    return tables, rest


def figures(results: Path, notes: dict[str, str]) -> tuple[Figure, ...]:
    """Every PNG under ``results``, with the caption, tables and metrics of the JSON that names it
    (``"figure": "ablation.png"``) or shares its stem."""
    pngs = sorted(results.glob("*.png")) if results.is_dir() else []
    if not pngs:
        notes["figures"] = f"No ablation figure yet ({results.name}/*.png not found)."
    meta: dict[Path, dict[str, Any]] = {}
    for path in sorted(results.glob("*.json")) if results.is_dir() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            meta[results / str(data.get("figure", path.with_suffix(".png").name))] = data
    out = []
    for png in pngs:
        data = dict(meta.get(png, {}))
        caption = str(data.pop("caption", png.stem))
        data.pop("figure", None)
        tables, rest = _tables(data)
        out.append(Figure(png, caption, tuple(scalars(rest)), tuple(tables)))
    return tuple(out)
