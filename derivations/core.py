"""A derivation step is data; a claim is an ordered tuple of steps. Checking lives in ``check.py``.

The shape follows SymPy's ``manualintegrate`` (each rule a small record whose docstring is the rule) and the
Physics Derivation Graph (each step checked as ``simplify(lhs - rhs) == 0``): stating a step and checking it
are separate, so a reviewer can read every statement without running anything, and a test can plant a
wrong statement and watch the checker reject it.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

import sympy as sp

Relation = Literal["==", ">=", ">"]
Status = Literal["proved", "checked-numerically", "refuted", "failed"]

#: Names of the rewriting tactics a step may ask for; ``check.TACTICS`` implements them.
TacticName = Literal[
    "doit", "simplify", "expand", "expand_log", "merge_integrals", "rewrite_erf", "together", "factor"
]
DEFAULT_TACTICS: tuple[TacticName, ...] = ("doit", "simplify")


@dataclasses.dataclass(frozen=True)
class Step:
    """One statement ``lhs <relation> rhs`` and the rule that justifies it.

    name: short identifier, unique within its claim.
    lhs, rhs: SymPy expressions (unevaluated ``Integral``/``Derivative`` are the definitions being
        evaluated; the checker evaluates them). Two ``sympy.Set`` objects may be compared with ``==``.
    rule: the justification in one line, as a textbook would write it.
    assumptions: SymPy predicates (``Q.positive(sigma)``) the step needs; the checker confirms that the
        symbols really carry each one, so the stated assumptions are the ones in force.
    relation: ``"=="``, ``">="`` or ``">"``.
    holds: False marks a deliberately wrong statement (a slide error, a viewer's variant) that the checker
        must refute with a counterexample.
    tactics: the rewriting sequence applied to ``lhs - rhs`` (see ``check.TACTICS``).
    domain: for an inequality in one variable, ``(variable, interval)``: proved by
        ``sympy.calculus.util.function_range`` when the sign query alone cannot decide.
    timeout: seconds allowed for the symbolic tactics before falling back to a numeric check.
    """

    name: str
    lhs: sp.Basic
    rhs: sp.Basic
    rule: str
    assumptions: tuple[sp.Basic, ...] = ()
    relation: Relation = "=="
    holds: bool = True
    tactics: tuple[TacticName, ...] = DEFAULT_TACTICS
    domain: tuple[sp.Symbol, sp.Set] | None = None
    timeout: float = 30.0

    def with_rhs(self, rhs: sp.Basic) -> Step:
        """The same step with another right side: how tests plant a wrong version."""
        return dataclasses.replace(self, rhs=rhs)


@dataclasses.dataclass(frozen=True)
class Claim:
    """A statement of the ledger, proved by its ordered steps.

    id: stable kebab-case identifier (``gaussian-kl-standard``), used by ``--only`` and the report.
    title: one line in words.
    statement: the claim in LaTeX.
    lecture_times: where the lecture states or questions it, as ``"mm:ss"``.
    steps: the derivation, in order. A step with ``holds=False`` makes the claim a refutation.
    references: sources of every formula (paper, section, equation).
    impl: dotted names of the ``impl`` functions that compute this quantity, for the cross-check.
    """

    id: str
    title: str
    statement: str
    lecture_times: tuple[str, ...]
    steps: tuple[Step, ...]
    references: tuple[str, ...] = ()
    impl: tuple[str, ...] = ()

    def step(self, name: str) -> Step:
        """The step called ``name``; KeyError names the claim and its steps if there is none."""
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(f"claim {self.id!r} has no step {name!r}; its steps: {[s.name for s in self.steps]}")

    @property
    def refutes(self) -> bool:
        """True when the claim states something false on purpose, to show it false."""
        return any(not step.holds for step in self.steps)
