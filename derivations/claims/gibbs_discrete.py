"""Gibbs' inequality, discrete: Σ_i q_i log(q_i/p_i) = Σ_i q_i f(p_i/q_i) with f(t) = t - 1 - log t.

For every number of outcomes N the identity holds when Σ q_i = Σ p_i = 1 (a symbolic Sum over IndexedBase
q_i, p_i > 0), and each term q_i f(p_i/q_i) is >= 0; but the kernel has no rule that sums a termwise bound,
so KL >= 0 itself is proved for N = 2 only (Cover & Thomas 2006, Theorem 2.6.3). +KL in nats.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.divergence import COVER_THOMAS, ZERO, f_nonnegative, gibbs_f
from derivations.core import Claim, Conclusion, Hypothesis, Step
from derivations.symbols import N, i, p1, p2, p_i, q1, q2, q_i, t


def total(term: sp.Expr) -> sp.Sum:
    """Σ_{i=1}^{N} term."""
    return sp.Sum(term, (i, 1, N))


def _at_ratio(k: int, ratio: sp.Expr) -> Step:
    return Step(f"f-at-{k}", gibbs_f(ratio), ZERO, f"f(t) >= 0 at t = {ratio} > 0", relation=">=",
                by="instance", cites=("f-nonnegative",), substitution=((t, ratio),), lemma=True)  # fmt: skip


def claims() -> tuple[Claim, ...]:
    kl, weighted = total(q_i[i] * sp.log(q_i[i] / p_i[i])), total(q_i[i] * gibbs_f(p_i[i] / q_i[i]))
    masses = weighted + total(q_i[i]) - total(p_i[i])
    two, f_terms = q1 * sp.log(q1 / p1) + q2 * sp.log(q2 / p2), q1 * gibbs_f(p1 / q1) + q2 * gibbs_f(p2 / q2)
    gap = q1 + q2 - p1 - p2
    steps = (
        Step("sum-as-f", kl, masses, "q_i log(q_i/p_i) = q_i f(p_i/q_i) + q_i - p_i, summed over i",
             tactics=("expand", "simplify")),
        Step("sums-to-one", masses, weighted, "Σ q_i = Σ p_i = 1", hypotheses=("Σ q = 1", "Σ p = 1")),
        f_nonnegative(),
        _at_ratio(1, p1 / q1),
        _at_ratio(2, p2 / q2),
        Step("two-as-f", two, f_terms + gap, "the same identity for N = 2",
             tactics=("expand_log", "expand", "simplify")),
        Step("two-drop-f", f_terms + gap, gap, "q_i > 0 and f(p_i/q_i) >= 0", relation=">=",
             cites=("f-at-1", "f-at-2"), tactics=()),
        Step("two-unit-masses", gap, ZERO, "q_2 = 1 - q_1, p_2 = 1 - p_1",
             hypotheses=("q_2 = 1 - q_1", "p_2 = 1 - p_1")),
    )  # fmt: skip
    conclusions = (
        Conclusion(kl, weighted, chain=("sum-as-f", "sums-to-one"), name="KL = Σ q_i f(p_i/q_i), every N"),
        Conclusion(
            two, ZERO, ">=", chain=("two-as-f", "two-drop-f", "two-unit-masses"), name="KL >= 0, N = 2"
        ),
    )
    return (
        Claim(
            id="gibbs-inequality-discrete",
            title="Gibbs' inequality, discrete: the identity for N outcomes, KL >= 0 for N = 2 only",
            conclusions=conclusions,
            steps=steps,
            hypotheses=(
                Hypothesis("Σ q = 1", sp.Eq(total(q_i[i]), 1)),
                Hypothesis("Σ p = 1", sp.Eq(total(p_i[i]), 1)),
                Hypothesis("q_2 = 1 - q_1", sp.Eq(q2, 1 - q1)),
                Hypothesis("p_2 = 1 - p_1", sp.Eq(p2, 1 - p1)),
            ),
            special_case="KL >= 0 is proved for N = 2 outcomes; for every N only the identity "
            "KL = Σ q_i f(p_i/q_i) (each term >= 0, but no kernel rule sums a termwise bound)",
            references=(COVER_THOMAS,),
        ),
    )
