"""The kernel rules (monotone, instance, chain, induction): each proves what it should, and nothing planted.

The abstract Gibbs proof of KERNEL_SPEC is the positive case; every planted variant of it must fail.
"""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derivations.chains import check_claim
from derivations.core import Claim, Conclusion, Hypothesis, Step, integrable, integrable_over

z, x = sp.symbols("z x", real=True)
t = sp.Symbol("t", positive=True)
q, p = sp.Function("q"), sp.Function("p")
R = (z, -sp.oo, sp.oo)
KL = sp.Integral(q(z) * sp.log(q(z) / p(z)), R)
HYPS = (
    Hypothesis("q>0", q(z) > 0),
    Hypothesis("p>0", p(z) > 0),
    Hypothesis("int-qlog", integrable(q(z) * sp.log(q(z) / p(z)), z)),
    Hypothesis("int-q-p", integrable(q(z) - p(z), z)),
    Hypothesis("int-q", integrable(q(z), z)),
    Hypothesis("int-p", integrable(p(z), z)),
    Hypothesis("mass-q", sp.Eq(sp.Integral(q(z), R), 1)),
    Hypothesis("mass-p", sp.Eq(sp.Integral(p(z), R), 1)),
)


def f(a: sp.Expr) -> sp.Expr:
    return a - 1 - sp.log(a)


def gibbs_steps() -> dict[str, Step]:
    """The abstract Gibbs proof: ∫ q log(q/p) >= 0 for positive, normalised, integrable q and p."""
    ratio, pointwise = p(z) / q(z), q(z) * sp.log(q(z) / p(z))
    steps = (
        Step(
            "f-nonneg", f(t), 0, "calculus", relation=">=", domain=(t, sp.Interval.open(0, sp.oo)), lemma=True
        ),
        Step(
            "f-at-ratio",
            f(ratio),
            0,
            "f >= 0 at p/q",
            relation=">=",
            by="instance",
            cites=("f-nonneg",),
            substitution=((t, ratio),),
            hypotheses=("q>0", "p>0"),
            lemma=True,
        ),
        Step(
            "as-f",
            pointwise,
            q(z) * f(ratio) + (q(z) - p(z)),
            "algebra",
            tactics=("expand_log", "expand", "simplify"),
            hypotheses=("q>0", "p>0"),
            lemma=True,
        ),
        Step(
            "drop-f",
            q(z) * f(ratio) + (q(z) - p(z)),
            q(z) - p(z),
            "q f >= 0",
            relation=">=",
            cites=("f-at-ratio",),
            hypotheses=("q>0",),
            tactics=(),
            lemma=True,
        ),
        Step(
            "pointwise",
            pointwise,
            q(z) - p(z),
            "chain",
            relation=">=",
            by="chain",
            cites=("as-f", "drop-f"),
            lemma=True,
        ),
        Step(
            "integrate",
            KL,
            sp.Integral(q(z) - p(z), R),
            "monotone",
            relation=">=",
            by="monotone",
            cites=("pointwise",),
            hypotheses=("int-qlog", "int-q-p"),
        ),
        Step(
            "unit-masses",
            sp.Integral(q(z) - p(z), R),
            0,
            "masses",
            tactics=("split_integrals", "hypotheses", "simplify"),
            hypotheses=("int-q", "int-p", "mass-q", "mass-p"),
        ),
    )
    return {s.name: s for s in steps}


def gibbs(**changed: Step) -> Claim:
    steps = {**gibbs_steps(), **changed}
    return Claim(
        "gibbs",
        "Gibbs",
        conclusions=(Conclusion(KL, 0, ">=", chain=("integrate", "unit-masses")),),
        steps=tuple(steps.values()),
        hypotheses=HYPS,
    )


def status_of(claim: Claim, step: str) -> str:
    result = check_claim(claim, {})
    return next(r.status for r in result.steps if r.step.name == step) if result.steps else result.status


def test_abstract_gibbs_is_proved() -> None:
    result = check_claim(gibbs(), {})
    assert result.status == "proved", result.detail
    assert {r.step.by for r in result.steps} == {"tactics", "instance", "chain", "monotone"}


def test_monotone_without_integrability_fails() -> None:
    step = dataclasses.replace(gibbs_steps()["integrate"], hypotheses=("int-qlog",))
    assert status_of(gibbs(integrate=step), "integrate") == "failed"


def test_monotone_citing_the_wrong_lemma_fails() -> None:
    step = dataclasses.replace(gibbs_steps()["integrate"], cites=("as-f",))
    assert status_of(gibbs(integrate=step), "integrate") == "failed"


def test_monotone_over_reversed_or_indefinite_limits_fails() -> None:
    one = Step("one", sp.Integer(1), 0, "1 > 0", relation=">=", lemma=True)

    def over(*limits: sp.Basic) -> str:
        ok = Hypothesis("int-1", sp.StrictLessThan(sp.Integral(sp.Abs(1), limits), sp.oo, evaluate=False))
        step = Step(
            "int",
            sp.Integral(1, limits),
            0,
            "monotone",
            relation=">=",
            by="monotone",
            cites=("one",),
            hypotheses=("int-1",),
        )
        c = Claim(
            "m",
            "m",
            conclusions=(Conclusion(step.lhs, 0, ">=", chain=("int",)),),
            steps=(one, step),
            hypotheses=(ok,),
        )
        return check_claim(c, {}).status

    assert over(z, 0, 1) == "proved"
    assert over(z, 1, 0) == "failed"  # ∫_1^0 1 dz = -1
    assert over(z, x, 0) == "failed"
    assert over(z) == "failed"


def test_monotone_needs_the_lemma_over_the_whole_range() -> None:
    # z >= 0 holds for a positive z; integrated over (-1, 0) it would give -1/2 >= 0.
    zp = sp.Symbol("z", positive=True)

    def over(lower: sp.Basic, upper: sp.Basic) -> str:
        lemma = Step("pos", zp, 0, "z > 0", relation=">=", lemma=True)
        ok = Hypothesis("int", integrable(zp, zp, lower, upper))
        step = Step(
            "int",
            sp.Integral(zp, (zp, lower, upper)),
            0,
            "monotone",
            relation=">=",
            by="monotone",
            cites=("pos",),
            hypotheses=("int",),
        )
        c = Claim(
            "m",
            "m",
            conclusions=(Conclusion(step.lhs, 0, ">=", chain=("int",)),),
            steps=(lemma, step),
            hypotheses=(ok,),
        )
        return check_claim(c, {}).status

    assert over(0, 1) == "proved"
    assert over(-1, 0) == "failed"


def test_monotone_over_a_box_of_several_variables() -> None:
    # ∫∫ q_a(z) q_b(w) >= 0 over R² from q_a q_b >= 0 (claims-kl request 3); a triangle is no box.
    w = sp.Symbol("w", real=True)
    qa, qb = sp.Function("q_a"), sp.Function("q_b")
    g = qa(z) * qb(w)
    hyps = (Hypothesis("qa>0", qa(z) > 0), Hypothesis("qb>0", qb(w) > 0))
    lemma = Step(
        "pos",
        g,
        0,
        "product of positives",
        relation=">=",
        hypotheses=("qa>0", "qb>0"),
        tactics=(),
        lemma=True,
    )

    def over(*limits: tuple) -> str:
        ok = Hypothesis("int", integrable_over(g, *limits))
        step = Step(
            "int",
            sp.Integral(g, *limits),
            0,
            "monotone",
            relation=">=",
            by="monotone",
            cites=("pos",),
            hypotheses=("int",),
        )
        c = Claim(
            "m",
            "m",
            conclusions=(Conclusion(step.lhs, 0, ">=", chain=("int",)),),
            steps=(lemma, step),
            hypotheses=(*hyps, ok),
        )
        return check_claim(c, {}).status

    assert over((z, -sp.oo, sp.oo), (w, -sp.oo, sp.oo)) == "proved"
    assert over((z, 0, w), (w, 0, 1)) == "failed"  # the inner limit depends on w: not a box


def test_monotone_congruence_needs_no_integrability() -> None:
    ident = Step(
        "ident", (z + 1) ** 2 * sp.exp(-(z**2)), (z**2 + 2 * z + 1) * sp.exp(-(z**2)), "expand", lemma=True
    )
    step = Step(
        "int",
        sp.Integral(ident.lhs, R),
        sp.Integral(ident.rhs, R),
        "congruence",
        by="monotone",
        cites=("ident",),
    )
    c = Claim("m", "m", conclusions=(Conclusion(step.lhs, step.rhs, chain=("int",)),), steps=(ident, step))
    assert check_claim(c, {}).status == "proved"


def test_instance_outside_the_variables_domain_fails() -> None:
    # f(t) >= 0 holds for t > 0; at t = p - q (not shown positive) it is not an instance.
    step = dataclasses.replace(
        gibbs_steps()["f-at-ratio"], lhs=f(p(z) - q(z)), substitution=((t, p(z) - q(z)),)
    )
    assert status_of(gibbs(**{"f-at-ratio": step}), "f-at-ratio") == "failed"


def test_instance_must_be_the_lemma_with_the_substitution() -> None:
    step = dataclasses.replace(gibbs_steps()["f-at-ratio"], lhs=f(p(z) / q(z)) + 1)
    assert status_of(gibbs(**{"f-at-ratio": step}), "f-at-ratio") == "failed"


def _instance_claim(
    lemma: Step,
    at: tuple[tuple[sp.Basic, sp.Basic], ...],
    lhs: sp.Basic,
    rhs: sp.Basic,
    hyps: tuple[Hypothesis, ...] = (),
    extra: tuple[Step, ...] = (),
) -> Claim:
    step = Step(
        "inst",
        lhs,
        rhs,
        "instance",
        relation=lemma.relation,
        by="instance",
        cites=(lemma.name,),
        substitution=at,
    )
    return Claim(
        "i",
        "i",
        conclusions=(Conclusion(lhs, rhs, lemma.relation, chain=("inst",)),),
        steps=(*extra, lemma, step),
        hypotheses=hyps,
    )


def test_instance_respects_every_assumption_of_the_variable() -> None:
    neg = sp.Symbol("n", negative=True)
    lemma = Step("neg", neg, 0, "n < 0", relation="<", lemma=True)
    assert (
        check_claim(_instance_claim(lemma, ((neg, sp.Integer(1)),), sp.Integer(1), sp.Integer(0)), {}).status
        == "failed"
    )


def test_instance_of_a_function_value_fails() -> None:
    # sqrt(q(z)^2) = q(z) under q(z) > 0; "substituting" q(z) = -1 would prove 1 = -1.
    lemma = Step("abs", sp.sqrt(q(z) ** 2), q(z), "q > 0", hypotheses=("q>0",), lemma=True)
    c = _instance_claim(lemma, ((q(z), sp.Integer(-1)),), sp.Integer(1), sp.Integer(-1), hyps=HYPS[:1])
    assert check_claim(c, {}).status == "failed"


def test_instance_of_a_lemma_resting_on_a_fact_about_its_variable_fails() -> None:
    # sqrt(x^2) = x rests (through the cited lemma "x > 0") on the hypothesis x > 0: not true at x = -1.
    pos = Hypothesis("x>0", x > 0)
    fact = Step("x-pos", x, 0, "hypothesis", relation=">", hypotheses=("x>0",), lemma=True)
    lemma = Step("abs", sp.sqrt(x**2), x, "x > 0", cites=("x-pos",), lemma=True)
    c = _instance_claim(
        lemma, ((x, sp.Integer(-1)),), sp.Integer(1), sp.Integer(-1), hyps=(pos,), extra=(fact,)
    )
    assert check_claim(c, {}).status == "failed"


def test_chain_rule_with_a_gap_or_a_wrong_direction_fails() -> None:
    gap = dataclasses.replace(gibbs_steps()["pointwise"], cites=("drop-f",))
    assert status_of(gibbs(pointwise=gap), "pointwise") == "failed"
    stronger = dataclasses.replace(gibbs_steps()["pointwise"], relation=">")
    integrate = dataclasses.replace(gibbs_steps()["integrate"], relation=">")
    assert check_claim(gibbs(pointwise=stronger, integrate=integrate), {}).status == "failed"


@pytest.mark.parametrize("name", list(gibbs_steps()), ids=str)
def test_every_step_of_the_gibbs_proof_rejects_a_planted_constant(name: str) -> None:
    step = gibbs_steps()[name]
    planted = step.with_rhs(step.rhs + (sp.Rational(1, 7) if step.relation == "==" else 10**6))
    assert status_of(gibbs(**{name: planted}), name) == "failed"
