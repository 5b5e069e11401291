"""What the reviewer's report shows, as frozen views of the ledger's JSON; both renderers read only these.

A claim record of ``python -m derivations --json`` becomes a ``ClaimView``: its step evidence (the entries
with both sides in LaTeX) becomes ``StepView``s, any other evidence (empirical) is kept as given.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from derivations import report_impl
from derivations.report_impl import ImplView
from derivations.report_parts import Figure, Question, Table, fmt

STATUSES = ("proved", "checked-numerically", "refuted", "failed")
#: A step's relation (``Step.relation``) as LaTeX.
RELATION = {"==": "=", ">=": r"\geq", ">": ">"}


@dataclasses.dataclass(frozen=True)
class StepView:
    """One step of a claim as the ledger recorded it; ``lhs``/``rhs`` are LaTeX."""

    name: str
    rule: str
    relation: str
    lhs: str
    rhs: str
    status: str
    method: str
    detail: str
    seconds: float


@dataclasses.dataclass(frozen=True)
class ClaimView:
    """One claim: its statement, steps, impl cross-check and the command that re-runs just it."""

    id: str
    title: str
    statement: str
    status: str
    method: str
    seconds: float
    lecture_times: tuple[str, ...]
    references: tuple[str, ...]
    steps: tuple[StepView, ...]
    extra_evidence: tuple[dict[str, Any], ...]
    impl: tuple[ImplView, ...]

    @property
    def command(self) -> str:
        return f"nox -s verify -- --only {self.id}"

    @property
    def failed_steps(self) -> tuple[StepView, ...]:
        return tuple(s for s in self.steps if s.status == "failed")

    @property
    def evidence_lines(self) -> tuple[str, ...]:
        """Each non-step evidence entry in one line: ``metric = value (source, date, ...)`` for the
        empirical entries of ``experiments.evidence``, else its ``key: value`` pairs."""
        lines = []
        for e in self.extra_evidence:
            rest = {
                k: v for k, v in e.items() if k not in ("kind", "metric", "value") and v not in (None, "")
            }
            about = ", ".join(f"{k} {fmt(v)}" for k, v in rest.items())
            if "metric" in e and "value" in e:
                lines.append(f"{e['metric']} = {fmt(e['value'])}" + (f" ({about})" if about else ""))
            else:
                lines.append("; ".join(f"{k}: {fmt(v)}" for k, v in e.items() if k != "kind"))
        return tuple(lines)


@dataclasses.dataclass(frozen=True)
class Report:
    """Everything the page shows; both renderers read only this. ``notes`` explain omitted parts."""

    environment: dict[str, str]
    claims: tuple[ClaimView, ...]
    questions: tuple[Question, ...]
    figures: tuple[Figure, ...]
    benchmarks: tuple[Table, ...]
    notes: dict[str, str]

    @property
    def failed(self) -> tuple[ClaimView, ...]:
        return tuple(c for c in self.claims if c.status == "failed")

    @property
    def counts(self) -> dict[str, int]:
        return {k: sum(c.status == k for c in self.claims) for k in STATUSES}

    @property
    def total_seconds(self) -> float:
        """The sum of the claims' own times (the ledger's wall time also includes imports)."""
        return sum(c.seconds for c in self.claims)


def claim_view(record: dict[str, Any], root: Path, results: dict[str, str]) -> ClaimView:
    steps, extra = [], []
    for e in record["evidence"]:
        if {"step", "lhs", "rhs", "status"} <= set(e):
            keys = ("rule", "relation", "lhs", "rhs", "status", "method", "detail")
            text = {k: str(e.get(k, "")) for k in keys}
            steps.append(StepView(name=str(e["step"]), seconds=float(e.get("seconds", 0.0)), **text))
        else:
            extra.append(e)
    return ClaimView(
        **{k: str(record[k]) for k in ("id", "title", "statement", "status", "method")},
        seconds=float(record["seconds"]),
        lecture_times=tuple(record.get("lecture_times", ())),
        references=tuple(record.get("references", ())),
        steps=tuple(steps),
        extra_evidence=tuple(extra),
        impl=tuple(report_impl.impl_view(name, root, results) for name in record.get("impl", ())),
    )
