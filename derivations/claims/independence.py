"""The KL of independent blocks is the sum of the blocks' KLs, for abstract normalised densities.

KL(q_a q_b || p_a p_b) = KL(q_a || p_a) + KL(q_b || p_b) (Cover & Thomas 2006, Theorem 2.5.3, the chain rule
for relative entropy, with independent factors). q_a, q_b, p_a, p_b are undefined functions: positivity,
∫ q_a = ∫ q_b = 1 and the integrability that licenses linearity are displayed hypotheses. The proof:
log(q_a q_b / p_a p_b) = log(q_a/p_a) + log(q_b/p_b) pointwise, then linearity, then each block's factor
integrates to 1 against the other block's integral. Each block here is a density of one variable; the same
steps hold for blocks of any dimension, which is how ``gaussian-kl-standard`` reads its recurrence from D to
D + 1 (there a displayed hypothesis: SymPy cannot integrate over a symbolic number of variables). +KL, nats.
"""

from __future__ import annotations

import sympy as sp

from derivations.core import Claim, Conclusion, Hypothesis, Step, integrable
from derivations.symbols import p_a, p_b, q_a, q_b, z_a, z_b

COVER_THOMAS = "Cover & Thomas (2006), Elements of Information Theory, 2nd ed., Theorem 2.5.3 (chain rule)"
REAL_LINE = (-sp.oo, sp.oo)
POSITIVITY = ("q_a > 0", "p_a > 0", "q_b > 0", "p_b > 0")


def block_kl(q: sp.Expr, p: sp.Expr, var: sp.Symbol) -> sp.Integral:
    """∫ (q log q - q log p) d var, unevaluated: the definition ∫ q log(q/p) (Bishop 2006, eq. 1.113) with
    log(q/p) = log q - log p (positive densities), written as the difference SymPy handles fastest."""
    return sp.Integral(q * sp.log(q) - q * sp.log(p), (var, *REAL_LINE))


def hypotheses() -> tuple[Hypothesis, ...]:
    qa, qb, pa, pb = q_a(z_a), q_b(z_b), p_a(z_a), p_b(z_b)
    return (
        *(Hypothesis(name, f > 0) for name, f in zip(POSITIVITY, (qa, pa, qb, pb), strict=True)),
        Hypothesis("∫ q_a = 1", sp.Eq(sp.Integral(qa, (z_a, *REAL_LINE)), 1)),
        Hypothesis("∫ q_b = 1", sp.Eq(sp.Integral(qb, (z_b, *REAL_LINE)), 1)),
        Hypothesis("q_a integrable", integrable(qa, z_a)),
        Hypothesis("q_b integrable", integrable(qb, z_b)),
        # finite entropy and cross-entropy of each block: what makes each block's KL a convergent integral
        Hypothesis("q_a log q_a integrable", integrable(qa * sp.log(qa), z_a)),
        Hypothesis("q_a log p_a integrable", integrable(qa * sp.log(pa), z_a)),
        Hypothesis("q_b log q_b integrable", integrable(qb * sp.log(qb), z_b)),
        Hypothesis("q_b log p_b integrable", integrable(qb * sp.log(pb), z_b)),
    )


def claims() -> tuple[Claim, ...]:
    qa, qb, pa, pb = q_a(z_a), q_b(z_b), p_a(z_a), p_b(z_b)
    inner = (z_a, *REAL_LINE)
    joint = sp.Integral(qa * sp.log(qa * qb) - qa * sp.log(pa * pb), inner)  # E_{q_a}[log(q_a q_b / p_a p_b)]
    split = sp.Integral(qa * sp.log(qa) - qa * sp.log(pa) + qa * sp.log(qb) - qa * sp.log(pb), inner)
    lhs = sp.Integral(qb * joint, (z_b, *REAL_LINE))
    separated = sp.Integral(qb * split, (z_b, *REAL_LINE))
    rhs = block_kl(qa, pa, z_a) + block_kl(qb, pb, z_b)
    linearity = tuple(h.name for h in hypotheses() if h.name not in POSITIVITY)
    steps = (
        Step("log-of-product", joint.function, split.function,
             "log(q_a q_b) = log q_a + log q_b and log(p_a p_b) = log p_a + log p_b: all four are positive",
             hypotheses=POSITIVITY, tactics=("expand_log", "simplify"), lemma=True),
        Step("inner-integrals", joint, split, "equal integrands, equal integrals (over z_a)", by="monotone",
             cites=("log-of-product",), lemma=True),
        Step("weighted-by-q_b", qb * joint, qb * split, "the same inner integrals, times q_b(z_b)",
             cites=("inner-integrals",), tactics=("hypotheses",), lemma=True),
        Step("logs-separate", lhs, separated, "equal integrands, equal integrals (over z_b)", by="monotone",
             cites=("weighted-by-q_b",)),
        Step("blocks-separate", separated, rhs,
             "linearity (log q_b - log p_b is constant in z_a, ∫ ... dz_a in z_b); then ∫ q_a = ∫ q_b = 1",
             hypotheses=linearity, tactics=("split_integrals", "hypotheses")),
    )  # fmt: skip
    return (
        Claim(
            id="kl-independent-blocks",
            title="The KL of independent blocks is the sum of the blocks' KLs (abstract densities)",
            conclusions=(
                Conclusion(
                    lhs,
                    rhs,
                    chain=("logs-separate", "blocks-separate"),
                    name="KL(q_a q_b || p_a p_b) as ∫ q_b ∫ q_a (log q_a q_b - log p_a p_b)",
                ),
            ),
            steps=steps,
            hypotheses=hypotheses(),
            references=(COVER_THOMAS,),
        ),
    )
