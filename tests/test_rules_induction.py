"""The induction rule: P(D) for every positive integer D from P(1) and P(D) => P(D + 1); nothing planted."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derivations.chains import check_claim
from derivations.core import Claim, Conclusion, Hypothesis, Step
from derivations.display import statement

j = sp.Symbol("j", integer=True)
D = sp.Symbol("D", integer=True, positive=True)


def odd_sum(n: sp.Expr) -> sp.Expr:
    return sp.Sum(2 * j - 1, (j, 1, n))


def induction_claim(
    base_rhs: sp.Expr = sp.S.One, step_rhs: sp.Expr | None = None, assumed: sp.Basic | None = None
) -> Claim:
    p_d = Hypothesis("P(D)", assumed if assumed is not None else sp.Eq(odd_sum(D), D**2))
    steps = (
        Step("base", odd_sum(1), base_rhs, "D = 1", lemma=True),
        Step(
            "inductive",
            odd_sum(D + 1),
            step_rhs if step_rhs is not None else (D + 1) ** 2,
            "peel the last term",
            tactics=("peel_sum", "hypotheses", "expand"),
            assuming=(p_d,),
            lemma=True,
        ),
        Step(
            "all-D",
            odd_sum(D),
            D**2,
            "induction on D",
            by="induction",
            cites=("base", "inductive"),
            domain=(D, sp.Naturals),
        ),
    )
    return Claim("odd", "odd", conclusions=(Conclusion(odd_sum(D), D**2, chain=("all-D",)),), steps=steps)


def test_induction_proves_the_sum_of_odd_numbers() -> None:
    result = check_claim(induction_claim(), {})
    assert result.status == "proved", [(r.step.name, r.detail) for r in result.steps]


@pytest.mark.parametrize(
    "planted",
    [
        {"base_rhs": sp.Integer(2)},  # wrong base: P(1) is not 1 = 2
        {"step_rhs": (D + 1) ** 2 + 1},  # wrong inductive step: not P(D + 1)
        {"assumed": sp.Eq(odd_sum(D + 1), (D + 1) ** 2)},  # assumes P(D + 1), not P(D)
    ],
    ids=["wrong-base", "wrong-step", "assumes-other"],
)
def test_planted_inductions_fail(planted: dict[str, sp.Basic]) -> None:
    assert check_claim(induction_claim(**planted), {}).status == "failed"  # type: ignore[arg-type]


def test_an_inductive_step_cannot_be_cited_as_a_fact() -> None:
    c = induction_claim()
    use = Step(
        "use", odd_sum(D + 1), (D + 1) ** 2, "the inductive step", cites=("inductive", "all-D"), tactics=()
    )
    bad = Claim(
        "odd",
        "odd",
        conclusions=(Conclusion(odd_sum(D + 1), (D + 1) ** 2, chain=("use",)),),
        steps=(*c.steps[:2], dataclasses.replace(c.steps[2], lemma=True), use),
    )
    assert check_claim(bad, {}).status == "failed"


def test_a_hypothesis_the_inductive_step_uses_is_displayed_for_every_d() -> None:
    # "If D = 2 then Σ (2j - 1) = D² + (D - 1)(D - 3)" is false at D = 2 (4 != 3); with D = 2 the inductive
    # step collapses to S(3) = 9, so it shows P(D) => P(D + 1) only where D = 2. The induction rule reads a
    # hypothesis about D as holding for every D, and the statement says so: vacuous, and visibly so.
    two = Hypothesis("D=2", sp.Eq(D, 2))
    p_of = lambda n: n**2 + (n - 1) * (n - 3)  # noqa: E731
    p_d = Hypothesis("P(D)", sp.Eq(odd_sum(D), p_of(D)))
    steps = (
        Step("base", odd_sum(1), p_of(sp.Integer(1)), "D = 1", lemma=True),
        Step(
            "inductive",
            odd_sum(D + 1),
            p_of(D + 1),
            "D = 2",
            hypotheses=("D=2",),
            tactics=("hypotheses", "doit", "simplify"),
            assuming=(p_d,),
            lemma=True,
        ),
        Step(
            "all-D",
            odd_sum(D),
            p_of(D),
            "induction",
            by="induction",
            cites=("base", "inductive"),
            domain=(D, sp.Naturals),
        ),
    )
    c = Claim(
        "odd",
        "odd",
        conclusions=(Conclusion(odd_sum(D), p_of(D), chain=("all-D",)),),
        steps=steps,
        hypotheses=(two,),
    )
    assert r"D = 2\ \text{for all } D" in statement(c)
    assert r"D = 2\ \text{for all }" not in statement(dataclasses.replace(c, steps=steps[:1]))


def test_an_induction_lemma_can_be_instantiated() -> None:
    # Σ_{j=1}^{M} (2j - 1) = M² for every M, by induction; then at M = N (claims-kl request 2).
    m, n = sp.Symbol("M", integer=True, positive=True), sp.Symbol("N", integer=True, positive=True)
    p_m = Hypothesis("P(M)", sp.Eq(odd_sum(m), m**2))
    steps = (
        Step("base", odd_sum(1), sp.Integer(1), "M = 1", lemma=True),
        Step(
            "inductive",
            odd_sum(m + 1),
            (m + 1) ** 2,
            "peel",
            tactics=("peel_sum", "hypotheses", "expand"),
            assuming=(p_m,),
            lemma=True,
        ),
        Step(
            "every-M",
            odd_sum(m),
            m**2,
            "induction",
            by="induction",
            cites=("base", "inductive"),
            domain=(m, sp.Naturals),
            lemma=True,
        ),
        Step("at-N", odd_sum(n), n**2, "M = N", by="instance", cites=("every-M",), substitution=((m, n),)),
    )
    c = Claim("odd", "odd", conclusions=(Conclusion(odd_sum(n), n**2, chain=("at-N",)),), steps=steps)
    result = check_claim(c, {})
    assert result.status == "proved", [(r.step.name, r.detail) for r in result.steps]
    at_half = dataclasses.replace(steps[3], lhs=odd_sum(n / 2), rhs=n**2 / 4, substitution=((m, n / 2),))
    planted = Claim(
        "odd",
        "odd",
        conclusions=(Conclusion(odd_sum(n / 2), n**2 / 4, chain=("at-N",)),),
        steps=(*steps[:3], at_half),
    )
    assert check_claim(planted, {}).status == "failed"  # N/2 is not shown a positive integer
