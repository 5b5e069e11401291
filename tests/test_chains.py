"""check_claim: a claim is proved only by chains of proved steps from its conclusions' sides.

Every claim here is planted in the test, small and independent of the registry's claims.
"""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derivations import chains, registry
from derivations.chains import ClaimResult, check_claim
from derivations.core import Claim, Conclusion, Hypothesis, Step, collecting_helper_uses, rests_on

x, y = sp.symbols("x y", real=True)
sigma = sp.Symbol("sigma", positive=True)
elbo, log_px = sp.symbols("ELBO log_p_x", real=True)
TRUE = Step("square", (x + 1) ** 2, x**2 + 2 * x + 1, "expand")
LOGVAR = Step("logvar", sp.log(sigma**2), 2 * sp.log(sigma), "log of a power", tactics=("expand_log",))


def claim(*steps: Step, conclusions: tuple[Conclusion, ...] | None = None, **kw: object) -> Claim:
    """A planted claim; by default one conclusion chained through every non-lemma step, in order."""
    on_chain = [s for s in steps if not s.lemma]
    if conclusions is None:
        relation = on_chain[-1].relation
        chain = tuple(s.name for s in on_chain)
        conclusions = (Conclusion(on_chain[0].lhs, on_chain[-1].rhs, relation, chain=chain),)
    return Claim("planted", "planted", conclusions=conclusions, steps=steps, **kw)  # type: ignore[arg-type]


def status(c: Claim, used: dict[str, ClaimResult] | None = None) -> str:
    return check_claim(c, used if used is not None else {}).status


def test_a_chain_of_proved_steps_proves_its_conclusion() -> None:
    assert status(claim(TRUE)) == "proved"
    nxt = Step("shift", x**2 + 2 * x + 1, x * (x + 2) + 1, "factor")
    assert status(claim(TRUE, nxt)) == "proved"


def test_an_unrelated_true_step_does_not_prove_the_elbo_bound() -> None:
    planted = claim(LOGVAR, conclusions=(Conclusion(elbo, log_px, "<=", chain=("logvar",)),))
    result = check_claim(planted, {})
    assert result.status == "failed"
    assert "chain gap" in result.detail


def test_a_conclusion_given_another_claims_steps_fails() -> None:
    other = claim(TRUE)
    mine = Conclusion(sp.log(sigma**2), 2 * sp.log(sigma), chain=("square",))
    assert status(claim(*other.steps, conclusions=(mine,))) == "failed"


def test_a_chain_with_a_gap_fails() -> None:
    first = Step("a", (x + 1) ** 2, x**2 + 2 * x + 1, "expand")
    second = Step("b", x**2 + 2 * x + 2, (x + 1) ** 2 + 1, "factor")  # starts one higher than a ends
    c = Conclusion((x + 1) ** 2, (x + 1) ** 2 + 1, chain=("a", "b"))
    result = check_claim(claim(first, second, conclusions=(c,)), {})
    assert result.status == "failed"
    assert "'a''s rhs is not step 'b''s lhs" in result.detail


@pytest.mark.parametrize(("relations", "stated"), [((">=", "<="), ">="), ((">=", "=="), ">"), (("==",), ">")])
def test_relations_that_do_not_give_the_stated_one_fail(relations: tuple[str, ...], stated: str) -> None:
    # Each step is true: x² + 2 >= x² + 1 <= x² + 3, and x² + 2 == 2 + x² (both sides built differently).
    sides = {
        (">=", "<="): [x**2 + 2, x**2 + 1, x**2 + 3],
        (">=", "=="): [x**2 + 2, x**2 + 1, (x + 1) ** 2 - 2 * x],
        ("==",): [x**2 + 2, (x + 1) ** 2 - 2 * x + 1],
    }[relations]
    steps = tuple(
        Step(f"s{i}", sides[i], sides[i + 1], "test", relation=r)  # type: ignore[arg-type]
        for i, r in enumerate(relations)
    )
    assert all(check_claim(claim(s), {}).status == "proved" for s in steps)
    c = Conclusion(sides[0], sides[-1], stated, chain=tuple(s.name for s in steps))  # type: ignore[arg-type]
    result = check_claim(claim(*steps, conclusions=(c,)), {})
    assert result.status == "failed"


def test_a_chain_composes_by_transitivity() -> None:
    a = Step("a", x**2 + 2, x**2 + 1, "test", relation=">")
    b = Step("b", x**2 + 1, x**2, "test", relation=">=")
    c = Conclusion(x**2 + 2, x**2, ">", chain=("a", "b"))
    assert status(claim(a, b, conclusions=(c,))) == "proved"
    weaker = Conclusion(x**2 + 2, x**2, ">=", chain=("a", "b"))
    assert status(claim(a, b, conclusions=(weaker,))) == "proved"


def test_a_step_on_no_chain_that_is_no_lemma_fails() -> None:
    result = check_claim(
        claim(TRUE, LOGVAR, conclusions=(Conclusion(TRUE.lhs, TRUE.rhs, chain=("square",)),)), {}
    )
    assert result.status == "failed"
    assert "on no chain" in result.detail


def test_an_uncited_lemma_fails() -> None:
    lemma = Step("spare", LOGVAR.lhs, LOGVAR.rhs, "spare", tactics=("expand_log",), lemma=True)
    result = check_claim(claim(TRUE, lemma), {})
    assert result.status == "failed"
    assert "cited by no step" in result.detail


def test_a_lemma_citing_itself_or_a_cycle_of_lemmas_fails() -> None:
    pos = Step("pos", x**2 + 1, 0, "test", relation=">", lemma=True, cites=("pos",))
    use = Step("use", x**2 + 2, 1, "test", relation=">", cites=("pos",))
    assert status(claim(pos, use)) == "failed"
    a = Step("a", x**2 + 1, 0, "test", relation=">", lemma=True, cites=("b",))
    b = Step("b", x**2 + 3, 0, "test", relation=">", lemma=True, cites=("a",))
    result = check_claim(claim(a, b, Step("use", x**2 + 2, 1, "test", relation=">", cites=("a",))), {})
    assert result.status == "failed"
    assert any("cycle" in r.detail for r in result.steps)


def test_an_undeclared_hypothesis_fails() -> None:
    step = Step("h", x * y, 0, "test", hypotheses=("y=0",))
    assert status(claim(step)) == "failed"
    shown = Hypothesis("y=0", sp.Eq(y, 0))
    assert status(claim(step, hypotheses=(shown,))) == "proved"


def test_a_lemma_that_is_not_proved_fails_the_step_that_cites_it() -> None:
    # The sign fact "x**2 - 1 >= 0" is false; a step that uses it must not be proved by it.
    fact = Step("fact", x**2 - 1, 0, "planted", relation=">=", lemma=True)
    drop = Step("drop", x**2 - 1 + 1, 1, "fact", relation=">=", cites=("fact",), tactics=())
    result = check_claim(claim(fact, drop, conclusions=(Conclusion(x**2, 1, ">=", chain=("drop",)),)), {})
    assert result.status == "failed"
    assert result.steps[1].status == "failed"


def test_a_nonpositive_lemma_is_a_sign_fact() -> None:
    # g(x) <= 0 (a lemma, from g(x) < 0), cited: |g(x)| = -g(x).
    g = sp.Function("g")
    negative = Hypothesis("g<0", g(x) < 0)
    lemma = Step("nonpositive", g(x), 0, "g < 0", relation="<=", hypotheses=("g<0",), tactics=(), lemma=True)
    use = Step("abs", sp.Abs(g(x)), -g(x), "|a| = -a for a <= 0", cites=("nonpositive",), tactics=())
    assert status(claim(lemma, use, hypotheses=(negative,))) == "proved"
    uncited = dataclasses.replace(use, cites=())
    assert status(claim(uncited, hypotheses=(negative,))) != "proved"


def test_only_definitions_give_a_definition_never_a_proof() -> None:
    kl = sp.Symbol("KL")
    same = Step("def", kl + 1, kl + 1, "by definition", definition=True)
    assert status(claim(same)) == "definition"
    built = Step("built", kl + 1, kl + 1, "restated")
    assert status(claim(built)) == "failed"
    both = Conclusion(kl + 1, kl + 1, chain=("def",))
    proved = Conclusion(TRUE.lhs, TRUE.rhs, chain=("square",))
    assert status(claim(same, TRUE, conclusions=(both, proved))) == "definition"


def test_a_definition_in_a_chain_with_a_proved_step_proves() -> None:
    same = Step("def", (x + 1) ** 2, (x + 1) ** 2, "by definition", definition=True)
    c = Conclusion((x + 1) ** 2, TRUE.rhs, chain=("def", "square"))
    assert status(claim(same, TRUE, conclusions=(c,))) == "proved"


def test_an_exception_inside_a_step_fails_it_and_the_run_finishes() -> None:
    bad = Hypothesis("bad", sp.Eq(x, x))  # True, not a relation: Hypothesis.kind raises
    boom = Step("boom", x * y, 0, "test", hypotheses=("bad",))
    both = (Conclusion(x * y, 0, chain=("boom",)), Conclusion(TRUE.lhs, TRUE.rhs, chain=("square",)))
    result = check_claim(claim(boom, TRUE, conclusions=both, hypotheses=(bad,)), {})
    assert result.status == "failed"
    assert [r.status for r in result.steps] == ["failed", "proved"]
    assert "TypeError" in result.steps[0].detail


def test_a_claim_that_breaks_the_checker_fails_without_raising(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(claim: Claim) -> list[str]:
        raise RuntimeError("an object SymPy cannot rebuild")

    monkeypatch.setattr(chains, "structure", broken)
    result = check_claim(claim(TRUE), {})
    assert result.status == "failed"
    assert "malformed claim: RuntimeError" in result.detail


def test_a_refuting_claim_needs_its_counterexample_and_its_true_version() -> None:
    wrong = Conclusion(sp.exp(x) - 1 - x, 0, ">", holds=False)
    right = Conclusion(TRUE.lhs, TRUE.rhs, chain=("square",))
    assert status(claim(TRUE, conclusions=(wrong, right))) == "refuted"
    true_as_false = Conclusion(sp.exp(x) - 1 - x, 0, ">=", holds=False)
    assert status(claim(TRUE, conclusions=(true_as_false, right))) == "failed"


def test_a_chain_on_a_false_conclusion_is_malformed() -> None:
    wrong = Conclusion(TRUE.lhs, TRUE.rhs + 1, holds=False, chain=("square",))
    assert status(claim(TRUE, conclusions=(wrong,))) == "failed"


def test_a_claim_resting_on_an_unproved_claim_fails() -> None:
    base = claim(Step("wrong", x + 1, x + 2, "planted"))
    base = Claim("base", "base", conclusions=base.conclusions, steps=base.steps)
    on_it = Claim(
        "on-base",
        "t",
        conclusions=(Conclusion(TRUE.lhs, TRUE.rhs, chain=("square",)),),
        steps=(TRUE,),
        uses=("base",),
    )
    assert status(on_it, {"base": check_claim(base, {})}) == "failed"
    assert status(on_it, {}) == "failed"  # a use that is no claim of the ledger
    good = Claim("base", "base", conclusions=on_it.conclusions, steps=(TRUE,))
    assert status(on_it, {"base": check_claim(good, {})}) == "proved"


def test_a_registry_that_does_not_build_fails_the_claims_resting_on_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken() -> tuple[Claim, ...]:
        raise TypeError("Claim.__init__() got an unexpected keyword argument 'statement'")

    monkeypatch.setattr(registry, "all_claims", broken)
    c = Claim(
        "on-it",
        "t",
        conclusions=(Conclusion(TRUE.lhs, TRUE.rhs, chain=("square",)),),
        steps=(TRUE,),
        uses=("base",),
    )
    result = check_claim(c)
    assert result.status == "failed"
    assert "could not be checked" in result.detail


def test_a_cycle_of_uses_between_claims_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    c = (Conclusion(TRUE.lhs, TRUE.rhs, chain=("square",)),)
    a = Claim("a", "a", conclusions=c, steps=(TRUE,), uses=("b",))
    b = Claim("b", "b", conclusions=c, steps=(TRUE,), uses=("a",))
    free = Claim("free", "free", conclusions=c, steps=(TRUE,))
    monkeypatch.setattr(registry, "all_claims", lambda: (a, b, free))
    results = registry.run(registry.select(None))
    assert results["a"].status == results["b"].status == "failed"
    assert results["free"].status == "proved"
    assert check_claim(a).status == "failed"


def test_a_helper_resting_on_a_claim_must_be_declared_in_uses() -> None:
    @rests_on("moments")
    def second_moment() -> sp.Expr:
        return sp.Integer(1)

    c = (Conclusion(TRUE.lhs, TRUE.rhs + second_moment() - 1, chain=("square",)),)
    with collecting_helper_uses():
        second_moment()
        silent = Claim("silent", "t", conclusions=c, steps=(TRUE,))
        second_moment()
        declared = Claim("declared", "t", conclusions=c, steps=(TRUE,), uses=("moments",))
    moments = check_claim(Claim("moments", "m", conclusions=c, steps=(TRUE,)), {})
    result = check_claim(silent, {"moments": moments})
    assert result.status == "failed"
    assert "not declared in uses" in result.detail
    assert check_claim(declared, {"moments": moments}).status == "proved"
