"""Gibbs' inequality: abstract densities proved, each planted gap in the argument rejected, Gaussian case."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import numpy as np
import pytest
import sympy as sp

from derivations import registry
from derivations.chains import ClaimResult
from derivations.check import check_claim, check_step
from derivations.claims import divergence, gaussian_kl, gibbs_discrete, independence
from derivations.claims.divergence import gibbs_f
from derivations.claims.gibbs_discrete import term, total
from derivations.core import Claim, Conclusion
from derivations.display import statement
from derivations.symbols import N, i, p_fn, p_i, q_fn, q_i, t, z

GIBBS, DISCRETE = "gibbs-inequality", "gibbs-inequality-discrete"


@functools.cache
def claims() -> dict[str, Claim]:
    return registry.by_id(registry.build(independence, gaussian_kl, divergence, gibbs_discrete))


@functools.cache
def results() -> dict[str, ClaimResult]:
    return registry.run(claims().values())


def only(claim: Claim, conclusion: Conclusion) -> Claim:
    """``claim`` cut to one conclusion and the steps its chain reaches (cited lemmas included)."""
    wanted, stack = set(), list(conclusion.chain)
    while stack:
        name = stack.pop()
        if name not in wanted:
            wanted.add(name)
            stack.extend(claim.step(name).cites)
    steps = tuple(st for st in claim.steps if st.name in wanted)
    return dataclasses.replace(claim, conclusions=(conclusion,), steps=steps)


def planted(claim_id: str, conclusion: int, name: str, **changes: Any) -> ClaimResult:
    """One conclusion of the claim, with step ``name`` changed, checked with what the claim uses."""
    claim = only(claims()[claim_id], claims()[claim_id].conclusions[conclusion])
    steps = tuple(dataclasses.replace(st, **changes) if st.name == name else st for st in claim.steps)
    return check_claim(dataclasses.replace(claim, steps=steps), results())


def test_gibbs_is_proved_for_abstract_densities_and_labelled_general() -> None:
    claim, result = claims()[GIBBS], results()[GIBBS]
    assert result.status == "proved", result.detail
    assert claim.special_case == ""
    kl_nonnegative = claim.conclusions[0]
    assert kl_nonnegative.lhs.has(q_fn(z))  # undefined functions
    assert kl_nonnegative.lhs.has(p_fn(z))
    assert kl_nonnegative.relation == ">="
    assert kl_nonnegative.rhs == 0


def test_the_discrete_case_is_proved_for_every_number_of_outcomes() -> None:
    assert results()[DISCRETE].status == "proved", results()[DISCRETE].detail
    assert claims()[DISCRETE].special_case == ""
    (conclusion,) = claims()[DISCRETE].conclusions
    assert N in conclusion.lhs.free_symbols  # a symbolic number of outcomes
    # Σ q_i = 1 is a hypothesis about this N only: read "for all N" it would be false, the claim vacuous.
    assert "for all" not in statement(claims()[DISCRETE])


GIBBS_PLANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "no-integrability": ("integrate", {"hypotheses": ()}),
    "half-the-integrability": ("integrate", {"hypotheses": ("q log(q/p) integrable",)}),
    "masses-without-normalisation": ("unit-masses", {"hypotheses": ("q integrable", "p integrable")}),
    "masses-without-integrability": ("unit-masses", {"hypotheses": ("∫ q = 1", "∫ p = 1")}),
    "ratio-not-shown-positive": ("f-at-ratio", {"hypotheses": ("q > 0",)}),
    "instance-at-a-negative-ratio": ("f-at-ratio", {"lhs": gibbs_f(-p_fn(z) / q_fn(z)),
                                                    "substitution": ((t, -p_fn(z) / q_fn(z)),)}),
    "drop-f-without-q-positive": ("drop-f", {"hypotheses": ()}),
    "identity-without-positivity": ("as-f", {"hypotheses": ()}),
    "bound-on-the-wrong-side": ("f-nonnegative", {"relation": "<="}),
    "bound-on-all-reals": ("f-nonnegative", {"domain": (t, sp.Reals)}),
}  # fmt: skip


@pytest.mark.parametrize("plant", sorted(GIBBS_PLANTS))
def test_a_gap_in_the_abstract_argument_fails_it(plant: str) -> None:
    name, changes = GIBBS_PLANTS[plant]
    result = planted(GIBBS, 0, name, **changes)
    assert result.status == "failed", plant


def test_the_abstract_argument_alone_is_proved_quickly() -> None:
    result = planted(GIBBS, 0, "integrate")  # no change: the cut claim itself stands
    assert result.status == "proved"
    assert result.seconds < 10


@pytest.mark.parametrize(
    ("claim_id", "name", "kept"),
    [(GIBBS, "drop-f", ()), (DISCRETE, "term-i", ()), (DISCRETE, "terms-nonnegative", ("f-at-i",))],
)
def test_dropping_f_needs_the_cited_bounds(claim_id: str, name: str, kept: tuple[str, ...]) -> None:
    claim = claims()[claim_id]
    lemmas = tuple(claim.step(n) for n in kept)  # the sign facts f(p/q) >= 0 it may use
    result = check_step(claim.step(name), {h.name: h for h in claim.hypotheses}, lemmas)
    assert result.status in ("failed", "checked-numerically"), result.detail  # never proved


def test_pointwise_bound_pushed_past_zero_is_rejected() -> None:
    claim = claims()[GIBBS]
    st = claim.step("drop-f")
    gap = q_fn(z) - p_fn(z)
    assert check_step(st.with_rhs(gap + 1), {h.name: h for h in claim.hypotheses}, (st,)).status == "failed"


DISCRETE_PLANTS: dict[str, tuple[int, str, dict[str, Any]]] = {
    "sums-without-normalisation": (0, "sums-to-one", {"hypotheses": ()}),
    "the-bound-at-a-negative-ratio": (
        0,
        "f-at-i",
        {"lhs": gibbs_f(-p_i[i] / q_i[i]), "substitution": ((t, -p_i[i] / q_i[i]),)},
    ),
    "raw-sum-called-nonnegative": (0, "sum-of-nonnegative", {"lhs": total(term(i))}),
}


@pytest.mark.parametrize("plant", sorted(DISCRETE_PLANTS))
def test_a_gap_in_the_discrete_argument_fails_it(plant: str) -> None:
    conclusion, name, changes = DISCRETE_PLANTS[plant]
    assert planted(DISCRETE, conclusion, name, **changes).status == "failed"


GAUSSIAN_CONCLUSIONS = {c.name: i for i, c in enumerate(claims()[GIBBS].conclusions) if "Gaussian" in c.name
                        or c.name.startswith("positive")}  # fmt: skip


def test_strict_positivity_needs_its_displayed_domain() -> None:
    index = GAUSSIAN_CONCLUSIONS["positive for σ < 1"]
    assert planted(GIBBS, index, "gaussian-drop-f-below", hypotheses=()).status == "failed"


def test_strict_positivity_at_the_prior_mean_is_not_claimed_without_a_nonzero_mean() -> None:
    index = GAUSSIAN_CONCLUSIONS["positive for μ ≠ 0"]
    assert planted(GIBBS, index, "gaussian-mean-square-mean", relation=">").status == "proved"
    from derivations.symbols import mu

    claim = only(claims()[GIBBS], claims()[GIBBS].conclusions[index])
    st = claim.step("gaussian-mean-square-mean")
    assert check_step(dataclasses.replace(st, lhs=mu**2 / 2)).status == "failed"  # μ = 0 is a counterexample


TACTIC_STEPS = [
    (cid, st.name)
    for cid in (GIBBS, DISCRETE)
    for st in claims()[cid].steps
    if st.by == "tactics" and isinstance(st.rhs, sp.Expr)
]


@pytest.mark.parametrize("key", TACTIC_STEPS, ids=lambda k: ":".join(k))
def test_every_step_pushed_past_its_right_side_is_not_proved(key: tuple[str, str]) -> None:
    """= 0 made = 1, >= 0 made >= 1, > 0 made > 1: none of them may be proved (with the step's own facts)."""
    claim = claims()[key[0]]
    st = claim.step(key[1])
    lemmas = tuple(claim.step(c) for c in st.cites)
    result = check_step(st.with_rhs(st.rhs + 1), {h.name: h for h in claim.hypotheses}, lemmas)
    assert result.status != "proved", result.detail


@pytest.mark.parametrize("ratio", [0.01, 0.5, 1.0, 2.0, 100.0])
def test_gibbs_f_is_nonnegative_and_zero_only_at_one(ratio: float) -> None:
    value = float(gibbs_f(sp.Float(ratio)))
    assert value >= 0
    assert (value == 0) == (ratio == 1.0)


def test_discrete_kl_is_nonnegative_on_random_distributions() -> None:
    rng = np.random.default_rng(0)
    for _ in range(100):
        n = int(rng.integers(2, 8))
        q, p = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
        assert float(np.sum(q * np.log(q / p))) >= 0
