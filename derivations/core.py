"""The data of the proof kernel: hypotheses, steps, conclusions and claims. Checking lives in ``check.py``.

A claim IS its conclusions: SymPy relations ``lhs <relation> rhs``, displayed by ``sympy.latex`` with the
hypotheses they rest on. A conclusion is established only by its chain, an ordered tuple of steps from its
lhs to its rhs (step i's rhs is step i + 1's lhs); a step is justified by SymPy tactics or by a kernel rule
that cites lemma steps of the same claim. Stating and checking are separate (SymPy's ``manualintegrate``,
the Physics Derivation Graph), so a reviewer can read every statement without running anything and a test
can plant a wrong one and watch the checker reject it. Nothing here can produce "proved": only
``check.check_claim`` can.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

import sympy as sp

from derivations.provenance import collecting_helper_uses, rests_on, take_helper_uses

__all__ = [
    "Claim",
    "Conclusion",
    "Hypothesis",
    "Step",
    "collecting_helper_uses",
    "integrable",
    "oriented",
    "rests_on",
]

Relation = Literal["==", ">=", ">", "<=", "<"]
Status = Literal["proved", "definition", "checked-numerically", "refuted", "failed"]
#: Kernel rules a step may name in ``by`` (see ``check.py``): "tactics" rewrites lhs - rhs; "monotone"
#: integrates a cited pointwise inequality; "induction" closes P(D) for every positive integer D from a
#: cited base case P(1) and a cited step P(D) => P(D + 1); "instance" substitutes into a cited lemma that
#: holds for every value of its variables (``Step.substitution``); "chain" proves a lemma by a chain of
#: cited lemmas, so that a rule can cite what a chain established.
Rule = Literal["tactics", "monotone", "induction", "instance", "chain"]
HypothesisKind = Literal["equality", "sign", "domain", "integrable"]

#: Names of the rewriting tactics a step may ask for; ``tactics.TACTICS`` implements them.
TacticName = Literal[
    "doit",
    "simplify",
    "expand",
    "expand_log",
    "merge_integrals",
    "split_integrals",
    "peel_sum",
    "hypotheses",
    "rewrite_erf",
    "together",
    "factor",
    "gammasimp",
]
DEFAULT_TACTICS: tuple[TacticName, ...] = ("doit", "simplify")
REAL_LINE = (-sp.oo, sp.oo)


def integrable(f: sp.Expr, var: sp.Symbol, lower: sp.Expr = -sp.oo, upper: sp.Expr = sp.oo) -> sp.Basic:
    """The hypothesis ∫ |f| d var < ∞ (unevaluated): it licenses linearity for integrals of ``f``."""
    return sp.StrictLessThan(sp.Integral(sp.Abs(f), (var, lower, upper)), sp.oo, evaluate=False)


def integrable_over(f: sp.Expr, *limits: tuple[sp.Symbol, sp.Expr, sp.Expr]) -> sp.Basic:
    """∫...∫ |f| < ∞ over several limits ((z_a, -oo, oo), (z_b, -oo, oo)): licenses a multiple integral."""
    return sp.StrictLessThan(sp.Integral(sp.Abs(f), *limits), sp.oo, evaluate=False)


@dataclasses.dataclass(frozen=True)
class Hypothesis:
    """A named hypothesis, displayed with the conclusion; the checker uses it only as its kind allows.

    fact: ``Eq(a, b)``: the checker may replace ``a`` by ``b`` (kind "equality"); ``a > 0``, ``a >= 0``,
    ``a < 0``: a sign fact about ``a`` (kind "sign"); ``Contains(x, Interval(...))``: the domain of the
    symbol ``x``, respected by proofs and counterexamples alike (kind "domain"); ``integrable(f, z)``: f is
    absolutely integrable in z, which licenses splitting and merging integrals of f (kind "integrable").
    """

    name: str
    fact: sp.Basic

    @property
    def kind(self) -> HypothesisKind:
        fact = self.fact
        if isinstance(fact, sp.Contains):
            return "domain"
        if isinstance(fact, sp.StrictLessThan) and fact.rhs == sp.oo and isinstance(fact.lhs, sp.Integral):
            return "integrable"
        if isinstance(fact, sp.Equality):
            return "equality"
        if isinstance(fact, sp.core.relational.Relational):
            return "sign"
        raise TypeError(f"hypothesis {self.name!r}: fact must be a relation, Contains or integrable(...)")


def _integers_as_sympy(record: object) -> None:
    """A side written as a Python int (``rhs=0``) becomes ``sp.Integer``, so the checker sees SymPy only."""
    for side in ("lhs", "rhs"):
        value = getattr(record, side)
        if isinstance(value, int) and not isinstance(value, bool):
            object.__setattr__(record, side, sp.Integer(value))


@dataclasses.dataclass(frozen=True)
class Step:
    """One statement ``lhs <relation> rhs`` and how it is justified.

    name: short identifier, unique within its claim.
    lhs, rhs: SymPy expressions (unevaluated ``Integral``/``Derivative``/``Subs``/``Sum`` are what the
        checker evaluates), or two ``sympy.Set`` objects compared with ``==``.
    rule: the justification in one line, as a textbook would write it.
    assumptions: SymPy predicates (``Q.positive(sigma)``) the step needs; the checker confirms that the
        symbols really carry each one.
    relation: ``"=="``, ``">="``, ``">"``, ``"<="`` or ``"<"``.
    tactics: the rewriting sequence applied to lhs - rhs (``by="tactics"``).
    domain: for an inequality in one variable, ``(variable, interval)``, for ``function_range``.
    hypotheses: names of the claim's hypotheses this step may use (an undeclared one is an error).
    assuming: hypotheses local to this step; only an induction step may discharge them (its P(D)).
    by: the kernel rule that justifies the step (``Rule``).
    cites: names of lemma steps of the same claim that the step uses. For ``by="tactics"`` a cited, proved
        lemma ``a == b`` may be substituted like an equality hypothesis, and ``a >= 0``, ``a > 0`` (or
        ``<=``, ``<``) gives a sign fact about ``a``, exactly as a displayed hypothesis would.
    substitution: for ``by="instance"``, ((variable, expression), ...): the step is the cited lemma with
        each variable replaced; each expression must be shown to lie in its variable's domain.
    lemma: True for a step on no chain, proved on its own and cited by a chain step.
    definition: True when lhs is rhs by definition (written unevaluated on one side): shown and counted
        as a definition, never as a proof.
    holds: False only inside the checker, for a conclusion stated false on purpose.
    timeout: seconds allowed for the symbolic tactics.
    """

    name: str
    lhs: sp.Basic
    rhs: sp.Basic
    rule: str
    assumptions: tuple[sp.Basic, ...] = ()
    relation: Relation = "=="
    tactics: tuple[TacticName, ...] = DEFAULT_TACTICS
    domain: tuple[sp.Symbol, sp.Set] | None = None
    hypotheses: tuple[str, ...] = ()
    assuming: tuple[Hypothesis, ...] = ()
    by: Rule = "tactics"
    cites: tuple[str, ...] = ()
    substitution: tuple[tuple[sp.Symbol, sp.Basic], ...] = ()
    lemma: bool = False
    definition: bool = False
    holds: bool = True
    timeout: float = 30.0

    def __post_init__(self) -> None:
        _integers_as_sympy(self)

    def with_rhs(self, rhs: sp.Basic) -> Step:
        """The same step with another right side: how tests plant a wrong version."""
        return dataclasses.replace(self, rhs=rhs)


@dataclasses.dataclass(frozen=True)
class Conclusion:
    """What a claim states: ``lhs <relation> rhs``, established by the steps named in ``chain``.

    holds: False states a viewer's or a slide's statement that the checker must refute with a
        counterexample inside the hypotheses and domains (a refuted conclusion needs no chain).
    """

    lhs: sp.Basic
    rhs: sp.Basic
    relation: Relation = "=="
    chain: tuple[str, ...] = ()
    holds: bool = True
    name: str = ""

    def __post_init__(self) -> None:
        _integers_as_sympy(self)

    def as_relational(self) -> sp.Basic:
        """The conclusion as an unevaluated SymPy relation (what the ledger displays)."""
        if isinstance(self.lhs, sp.Set) or isinstance(self.rhs, sp.Set):
            return sp.Eq(self.lhs, self.rhs, evaluate=False)
        return sp.Rel(self.lhs, self.rhs, self.relation, evaluate=False)


@dataclasses.dataclass(frozen=True)
class Claim:
    """A statement of the ledger: its conclusions, under its hypotheses, proved by its steps.

    id: stable kebab-case identifier, used by ``--only`` and the report.
    title: one line in words (it says so when the proof covers a special case only).
    conclusions: what the claim states; the displayed statement is generated from them.
    steps: the chains and lemmas, each step named once.
    hypotheses: named hypotheses, displayed as "if ..., then ...".
    uses: ids of the claims this one rests on (closed forms, moment tables, helpers): it is proved only if
        they are; ``rests_on`` records the helpers' dependencies and the registry checks they are declared.
    special_case: empty when the conclusions are the general statement; else what the proof is limited to.
    lecture_times: where the lecture states or questions it, as ``"mm:ss"``.
    references: sources of every formula (paper, section, equation).
    impl: dotted names of the ``impl`` functions that compute this quantity, for the cross-check.
    """

    id: str
    title: str
    conclusions: tuple[Conclusion, ...]
    steps: tuple[Step, ...]
    hypotheses: tuple[Hypothesis, ...] = ()
    uses: tuple[str, ...] = ()
    special_case: str = ""
    lecture_times: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    impl: tuple[str, ...] = ()
    #: Claim ids that helper functions called while building this claim rest on (filled by the registry).
    helper_uses: frozenset[str] = dataclasses.field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        taken = take_helper_uses()
        if taken is not None:
            object.__setattr__(self, "helper_uses", taken)

    def step(self, name: str) -> Step:
        """The step called ``name``; KeyError names the claim and its steps if there is none."""
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(f"claim {self.id!r} has no step {name!r}; its steps: {[s.name for s in self.steps]}")

    def hypothesis(self, name: str) -> Hypothesis:
        """The hypothesis called ``name``; KeyError names the claim if there is none."""
        for hypothesis in self.hypotheses:
            if hypothesis.name == name:
                return hypothesis
        raise KeyError(f"claim {self.id!r} displays no hypothesis {name!r}")

    @property
    def refutes(self) -> bool:
        """True when the claim states something false on purpose, to show it false."""
        return any(not c.holds for c in self.conclusions)


_FLIP: dict[str, Relation] = {"<=": ">=", "<": ">"}


def oriented(step: Step | Conclusion) -> tuple[sp.Basic, sp.Basic, str]:
    """(lhs, rhs, relation) with "<=" and "<" turned around into ">=" and ">"."""
    if step.relation in _FLIP:
        return step.rhs, step.lhs, _FLIP[step.relation]
    return step.lhs, step.rhs, step.relation
