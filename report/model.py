"""What the reviewer's report shows, as frozen views of the ledger's JSON; the renderers read only these.

A claim record of ``python -m derivations --json`` becomes a ``ClaimView`` (``report.records`` reads it):
its conclusions, hypotheses, domains and the claims it uses, its steps as ``StepView``s, any other
evidence (empirical) as given.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from report.audit import AuditPart
from report.crosscheck import ImplView
from report.parts import Figure, Question, Table, fmt

#: Claim statuses, in the order the summary counts them; a definition is true by definition, not proved.
STATUSES = ("proved", "checked-numerically", "refuted", "failed", "definition")
#: A relation (``Step.relation``, a conclusion's ``relation``) as LaTeX.
RELATION = {"==": "=", ">=": r"\geq", ">": ">", "<=": r"\leq", "<": "<"}


@dataclasses.dataclass(frozen=True)
class StepView:
    """One step as the ledger recorded it; ``lhs``/``rhs`` are LaTeX. ``role``: chain, lemma or definition;
    ``cites``: the names of the steps it cites."""

    name: str
    rule: str
    relation: str
    lhs: str
    rhs: str
    status: str
    method: str
    detail: str
    seconds: float
    role: str = ""
    cites: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Hypothesis:
    """A named hypothesis of a claim (``kind`` as the ledger states it, e.g. "equality"); ``latex``."""

    name: str
    latex: str
    kind: str


@dataclasses.dataclass(frozen=True)
class Conclusion:
    """One conclusion: its LaTeX, relation, whether it holds (False: refuted on purpose), the chain of
    step names that establishes it, and its status."""

    name: str
    latex: str
    relation: str
    holds: bool
    chain: tuple[str, ...]
    status: str


@dataclasses.dataclass(frozen=True)
class ClaimView:
    """One claim: statement, hypotheses, domains, what it uses, conclusions, steps, impl cross-check."""

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
    hypotheses: tuple[Hypothesis, ...] = ()
    domains: tuple[str, ...] = ()
    conclusions: tuple[Conclusion, ...] = ()
    uses: tuple[str, ...] | None = None  # None: the record predates ``uses``, so it is not known
    special_case: str = ""

    @property
    def command(self) -> str:
        return f"nox -s verify -- --only {self.id}"

    @property
    def scope(self) -> str:
        """ "general", "special case" (proved, restricted to ``special_case``), or "" when not proved."""
        if self.status != "proved":
            return ""
        return "special case" if self.special_case else "general"

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
    """Everything the page shows; the renderers read only this. ``notes`` explain omitted parts."""

    environment: dict[str, str]
    claims: tuple[ClaimView, ...]
    questions: tuple[Question, ...]
    figures: tuple[Figure, ...]
    benchmarks: tuple[Table, ...]
    notes: dict[str, str]
    audit: AuditPart = dataclasses.field(default_factory=AuditPart)  # published VAE loss code, audited

    @property
    def failed(self) -> tuple[ClaimView, ...]:
        return tuple(c for c in self.claims if c.status == "failed")

    @property
    def counts(self) -> dict[str, int]:
        return {k: sum(c.status == k for c in self.claims) for k in STATUSES}

    @property
    def special(self) -> tuple[ClaimView, ...]:
        """Claims proved for a special case only."""
        return tuple(c for c in self.claims if c.scope == "special case")

    @property
    def general(self) -> tuple[ClaimView, ...]:
        """Claims proved in general."""
        return tuple(c for c in self.claims if c.scope == "general")

    @property
    def definition_steps(self) -> int:
        """Steps true by definition (their sides identical when built): shown, never counted as proofs."""
        return sum(s.status == "definition" for c in self.claims for s in c.steps)

    @property
    def total_seconds(self) -> float:
        """The sum of the claims' own times (the ledger's wall time also includes imports)."""
        return sum(c.seconds for c in self.claims)
