"""The checker: it proves what is true, rejects what is planted wrong, never calls numbers a proof."""

from __future__ import annotations

import sympy as sp

from derivations.check import check_claim, check_step
from derivations.core import Claim, Step
from derivations.claims.moments import gaussian_expectation, standard_normal_pdf
from derivations.symbols import m, mu, s, sigma, t, u, z


def second_moment(rhs: sp.Expr, **kw: object) -> Step:
    """∫ u^2 φ(u) du = rhs: true for rhs = 1."""
    return Step(
        "second-moment", sp.Integral(u**2 * standard_normal_pdf(u), (u, -sp.oo, sp.oo)), rhs, "test", **kw
    )


def claim_of(*steps: Step) -> Claim:
    return Claim(id="test-claim", title="test", statement="", lecture_times=(), steps=steps)


def test_true_integral_step_is_proved() -> None:
    result = check_step(second_moment(sp.Integer(1)))
    assert result.status == "proved"
    assert result.method.startswith("sympy")


def test_planted_wrong_constant_fails() -> None:
    result = check_step(second_moment(sp.Integer(2)))
    assert result.status == "failed"
    assert "lhs - rhs = -1" in result.detail


def test_numeric_evidence_is_never_reported_as_proved() -> None:
    # No tactics: SymPy is not allowed to evaluate the integral, so only the 50-digit check can stand in.
    step = second_moment(sp.Integer(1), tactics=())
    result = check_step(step)
    assert result.status == "checked-numerically"
    assert result.method.startswith("mpmath")
    assert check_claim(claim_of(step)).status == "checked-numerically"
    assert check_claim(claim_of(second_moment(sp.Integer(1)), step)).status == "checked-numerically"


def test_timeout_falls_back_to_numeric_not_to_proved() -> None:
    step = Step(
        "slow",
        sp.Integral(sp.exp(-(z**2) / (2 * s**2)), (z, -sp.oo, sp.oo)),
        sp.sqrt(2 * sp.pi) * s,
        "test",
        timeout=1e-6,
    )
    assert check_step(step).status == "checked-numerically"


def test_wrong_statement_is_refuted_by_exact_counterexample() -> None:
    result = check_step(second_moment(sp.Integer(2), holds=False))
    assert result.status == "refuted"
    assert "exact counterexample" in result.method
    assert check_claim(claim_of(second_moment(sp.Integer(2), holds=False))).status == "refuted"


def test_statement_meant_wrong_that_is_true_fails() -> None:
    assert check_step(second_moment(sp.Integer(1), holds=False)).status == "failed"


def test_stated_assumption_must_be_carried_by_the_symbols() -> None:
    step = Step("a", mu**2 + sigma, sp.Integer(0), "test", relation=">", assumptions=(sp.Q.positive(mu),))
    result = check_step(step)
    assert result.status == "failed"
    assert "not carried" in result.detail


def test_inequality_proved_by_sign_query() -> None:
    step = Step("a", mu**2 + sigma, sp.Integer(0), "test", relation=">", assumptions=(sp.Q.positive(sigma),))
    assert check_step(step).status == "proved"


def test_inequality_proved_by_function_range() -> None:
    step = Step(
        "gibbs",
        t - 1 - sp.log(t),
        sp.Integer(0),
        "test",
        relation=">=",
        domain=(t, sp.Interval.open(0, sp.oo)),
    )
    result = check_step(step)
    assert result.status == "proved"
    assert "function_range" in result.method


def test_false_inequality_is_not_proved() -> None:
    step = Step(
        "bad", t - 2 - sp.log(t), sp.Integer(0), "test", relation=">=", domain=(t, sp.Interval.open(0, sp.oo))
    )
    assert check_step(step).status != "proved"
    meant_wrong = Step("bad", t - 2 - sp.log(t), sp.Integer(0), "test", relation=">=", holds=False)
    assert check_step(meant_wrong).status == "refuted"


def test_gaussian_expectation_matches_integral() -> None:
    f = z**3 - 2 * z
    expected = sp.integrate(sp.expand(f.subs(z, m + s * u)) * standard_normal_pdf(u), (u, -sp.oo, sp.oo))
    assert sp.simplify(gaussian_expectation(f, z, m, s) - expected) == 0


def test_gaussian_expectation_rejects_non_polynomials() -> None:
    import pytest

    with pytest.raises(ValueError, match="polynomial"):
        gaussian_expectation(sp.exp(z), z, m, s)


def test_claim_with_a_failed_step_fails() -> None:
    claim = claim_of(second_moment(sp.Integer(1)), second_moment(sp.Integer(3)))
    result = check_claim(claim)
    assert result.status == "failed"
    assert [r.status for r in result.steps] == ["proved", "failed"]


def test_true_inequality_stated_as_wrong_is_not_refuted() -> None:
    # t - 1 - log t >= 0 holds: a nonzero gap at t = 3/2 is no counterexample to ">=".
    step = Step("gibbs-meant-wrong", t - 1 - sp.log(t), sp.Integer(0), "test", relation=">=", holds=False)
    assert check_step(step).status == "failed"


def test_side_that_cannot_be_evaluated_fails_cleanly() -> None:
    # A derivative with respect to a symbol of a Limit: numerically unevaluable, must fail, never crash.
    lhs = sp.Limit(sp.sin(mu * t) / t, t, sp.oo) + sp.Derivative(sp.Function("f")(mu), mu)
    result = check_step(Step("opaque", lhs, sp.Integer(1), "test", tactics=()))
    assert result.status == "failed"
    assert "could not evaluate" in result.detail


def test_claim_step_lookup_names_what_exists() -> None:
    import pytest

    claim = claim_of(second_moment(sp.Integer(1)))
    assert claim.step("second-moment").rhs == 1
    with pytest.raises(KeyError, match="second-moment"):
        claim.step("no-such-step")
