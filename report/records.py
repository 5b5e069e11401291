"""Reading the ledger's JSON document into the report's views, as data: nothing is ever passed to ``eval``
or ``sympify``. A document written before claims had conclusions lacks their fields (``STRUCTURE``); they
are then empty, and ``missing_fields`` names them for a one-line note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from report import crosscheck
from report.model import ClaimView, Conclusion, Hypothesis, StepView

#: The fields a claim record gained with conclusions; older documents lack them.
STRUCTURE = ("conclusions", "hypotheses", "domains", "uses", "special_case")


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"'{key}' must be a list of strings")
    return tuple(value)


def _step(e: Mapping[str, Any]) -> StepView:
    text = {k: str(e.get(k, "")) for k in ("rule", "relation", "lhs", "rhs", "status", "method", "detail")}
    cites = _strings(e.get("cites", []), "cites")
    role = str(e.get("role", ""))
    return StepView(str(e["step"]), seconds=float(e.get("seconds", 0.0)), role=role, cites=cites, **text)


def _conclusion(c: Mapping[str, Any]) -> Conclusion:
    chain = _strings(c.get("chain", []), "chain")
    text = {k: str(c.get(k, "")) for k in ("name", "latex", "relation", "status")}
    return Conclusion(holds=bool(c.get("holds", True)), chain=chain, **text)


def claim_view(record: Mapping[str, Any], root: Path, results: dict[str, str]) -> ClaimView:
    """The view of one claim record; KeyError, TypeError or ValueError if it is not one."""
    steps: list[StepView] = []
    extra: list[dict[str, Any]] = []
    for e in record["evidence"]:
        if not isinstance(e, dict):
            raise ValueError("every evidence entry must be a JSON object")
        if {"step", "lhs", "rhs", "status"} <= set(e):
            steps.append(_step(e))
        else:
            extra.append(e)
    hypotheses = [
        Hypothesis(str(h["name"]), str(h["latex"]), str(h.get("kind", "")))
        for h in record.get("hypotheses", [])
    ]
    return ClaimView(
        **{k: str(record[k]) for k in ("id", "title", "statement", "status", "method")},
        seconds=float(record["seconds"]),
        lecture_times=_strings(record.get("lecture_times", []), "lecture_times"),
        references=_strings(record.get("references", []), "references"),
        steps=tuple(steps),
        extra_evidence=tuple(extra),
        impl=tuple(
            crosscheck.impl_view(name, root, results) for name in _strings(record.get("impl", []), "impl")
        ),
        hypotheses=tuple(hypotheses),
        domains=_strings(record.get("domains", []), "domains"),
        conclusions=tuple(_conclusion(c) for c in record.get("conclusions", [])),
        uses=_strings(record["uses"], "uses") if "uses" in record else None,
        special_case=str(record.get("special_case", "")),
    )


def missing_fields(records: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """The fields of ``STRUCTURE`` that some claim record lacks."""
    return tuple(k for k in STRUCTURE if any(k not in r for r in records))
