"""Gibbs' inequality, discrete: Σ_i q_i log(q_i/p_i) >= 0 for every number of outcomes N.

With f(t) = t - 1 - log t: the KL is Σ_i q_i f(p_i/q_i) when Σ q_i = Σ p_i = 1 (a symbolic Sum over
IndexedBase q_i, p_i > 0). Each term is >= 0: f(t) >= 0 at t = p_i/q_i for every i (an instance), so the
i-th term equals its positive part max(q_i f_i, 0), an equality the kernel may substitute under the sum
over i (i is summed over: the lemma holds for every i); and SymPy sees that a sum of max(·, 0) is >= 0.
A sign fact alone cannot enter the sum (Cover & Thomas 2006, Theorem 2.6.3). +KL in nats.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.divergence import COVER_THOMAS, ZERO, f_nonnegative, gibbs_f
from derivations.core import Claim, Conclusion, Hypothesis, Step
from derivations.symbols import N, i, p_i, q_i, t


def total(term: sp.Expr, top: sp.Expr = N) -> sp.Sum:
    """Σ_{i=1}^{top} term."""
    return sp.Sum(term, (i, 1, top))


def term(index: sp.Expr) -> sp.Expr:
    """q_index f(p_index / q_index), the index-th term of KL = Σ q_i f(p_i/q_i)."""
    return q_i[index] * gibbs_f(p_i[index] / q_i[index])


def claims() -> tuple[Claim, ...]:
    kl, weighted = total(q_i[i] * sp.log(q_i[i] / p_i[i])), total(term(i))
    masses = weighted + total(q_i[i]) - total(p_i[i])
    positive = total(sp.Max(term(i), 0))
    ratio = p_i[i] / q_i[i]
    steps = (
        Step("sum-as-f", kl, masses, "q_i log(q_i/p_i) = q_i f(p_i/q_i) + q_i - p_i, summed over i",
             tactics=("expand", "simplify")),
        Step("sums-to-one", masses, weighted, "Σ q_i = Σ p_i = 1", hypotheses=("Σ q = 1", "Σ p = 1")),
        f_nonnegative(),
        Step("f-at-i", gibbs_f(ratio), ZERO, "f(t) >= 0 at t = p_i/q_i > 0, for every i", relation=">=",
             by="instance", cites=("f-nonnegative",), substitution=((t, ratio),), lemma=True),
        Step("term-i", term(i), sp.Max(term(i), 0), "q_i > 0 and f(p_i/q_i) >= 0: the i-th term is >= 0",
             cites=("f-at-i",), tactics=("expand",), lemma=True),
        Step("terms-nonnegative", weighted, positive, "each term, for every i, equals its positive part",
             cites=("term-i",), tactics=("hypotheses",)),
        Step("sum-of-nonnegative", positive, ZERO, "a sum of max(·, 0) is >= 0", relation=">=", tactics=()),
    )  # fmt: skip
    chain = ("sum-as-f", "sums-to-one", "terms-nonnegative", "sum-of-nonnegative")
    return (
        Claim(
            id="gibbs-inequality-discrete",
            title="Gibbs' inequality for discrete distributions on N outcomes, for every N",
            conclusions=(Conclusion(kl, ZERO, ">=", chain=chain, name="KL(q || p) >= 0 for every N"),),
            steps=steps,
            hypotheses=(
                Hypothesis("Σ q = 1", sp.Eq(total(q_i[i]), 1)),
                Hypothesis("Σ p = 1", sp.Eq(total(p_i[i]), 1)),
            ),
            references=(COVER_THOMAS,),
        ),
    )
