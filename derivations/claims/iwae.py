"""The importance-weighted bound between the ELBO and log p(x), for K = 1 and K = 2 samples.

L_K = E_{z_1..z_K ~ q}[log (1/K) Σ_k w(z_k)], w = p(x, z)/q(z|x) (Burda, Grosse & Salakhutdinov 2015,
eq. (8)). L_1 is the ELBO. L_2 <= log p(x) by the tangent line of log at p(x), as in ``jensen.py``:
log m <= log p(x) + (m - p(x))/p(x) for the two-sample mean m, at every (z_1, z_2); integrated over z_2, then
z_1 (the monotone rule twice), and E[m] = p(x). Only K = 1, 2: L_K for a symbolic K is a K-fold integral
SymPy cannot write, and L_1 <= L_2 <= ... (Burda et al., Theorem 1) is not proved here. Nats.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.divergence import gibbs_f
from derivations.claims.elbo import ELBO_Q, HYPOTHESES, LINE, POSITIVE, hypotheses, q
from derivations.claims.elbo_bound import f_nonnegative
from derivations.claims.jensen import WEIGHT
from derivations.core import Claim, Conclusion, Hypothesis, Step, integrable
from derivations.symbols import K, p_prior, p_theta, p_x, q_phi, t, x, z, z2

BURDA = "Burda, Grosse & Salakhutdinov (2015), Importance Weighted Autoencoders, eq. (8) and Theorem 1"
LINE2 = (z2, -sp.oo, sp.oo)
q2, lik2, prior2 = q_phi(z2, x), p_theta(x, z2), p_prior(z2)
WEIGHT2 = lik2 * prior2 / q2
#: The two-sample mean weight, its log, and the tangent line of log at p(x).
MEAN = (WEIGHT + WEIGHT2) / 2
TANGENT = sp.log(p_x) + (MEAN - p_x) / p_x
#: L_2 = E_{z_1 ~ q}[E_{z_2 ~ q}[log (w(z_1) + w(z_2))/2]] with z_1 = z, as iterated integrals (z_2 inside);
#: the same with log m replaced by its tangent line.
INNER_LOG, INNER_TANGENT = sp.Integral(q2 * sp.log(MEAN), LINE2), sp.Integral(q2 * TANGENT, LINE2)
L2, L2_TANGENT = sp.Integral(q * INNER_LOG, LINE), sp.Integral(q * INNER_TANGENT, LINE)
#: The same hypotheses at the second sample z_2 (the kernel matches hypotheses as written).
SECOND = tuple(
    Hypothesis(f"{h.name}-2", h.fact.xreplace({z: z2}))
    for h in (
        HYPOTHESES[n] for n in (*POSITIVE, "q-normalised", "evidence", "q-integrable", "joint-integrable")
    )
)
INTEGRABLE = (
    Hypothesis("inner-log-integrable", integrable(q2 * sp.log(MEAN), z2)),
    Hypothesis("inner-gap-integrable", integrable(q2 * (TANGENT - sp.log(MEAN)), z2)),
    Hypothesis("outer-log-integrable", integrable(q * INNER_LOG, z)),
    Hypothesis("outer-tangent-integrable", integrable(q * INNER_TANGENT, z)),
)
SIGNS = (*POSITIVE, *(h.name for h in SECOND[:3]))
SPLIT = ("q-integrable", "joint-integrable", *(h.name for h in SECOND[5:]))


def _steps() -> tuple[Step, ...]:
    ratio, gap = MEAN / p_x, INNER_TANGENT - INNER_LOG
    one_sample = sp.log(sp.Sum(WEIGHT, (K, 1, 1)) / 1)  # (1/K) Σ_{k=1}^{K} w(z_k) at K = 1, z_1 = z
    return (
        Step("mean-of-one", q * one_sample, q * sp.log(WEIGHT), "(1/1) Σ_{k=1}^{1} w(z_k) = w(z_1)",
             tactics=("doit",), lemma=True),
        Step("iwae-1", sp.Integral(q * one_sample, LINE), ELBO_Q, "L_1 = E_q[log w] = ELBO", by="monotone",
             cites=("mean-of-one",)),
        f_nonnegative(),
        Step("f-at-mean", gibbs_f(ratio), sp.Integer(0), "f >= 0 at t = m/p(x) > 0", relation=">=",
             by="instance", cites=("f-nonnegative",), substitution=((t, ratio),), hypotheses=SIGNS,
             lemma=True),
        Step("tangent-minus-log", q2 * (TANGENT - sp.log(MEAN)), q2 * gibbs_f(ratio),
             "tangent - log m = f(m/p(x)) at every (z_1, z_2)", tactics=("expand_log",), hypotheses=SIGNS,
             lemma=True),
        Step("f-times-q", q2 * gibbs_f(ratio), sp.Integer(0), "q(z_2|x) f(m/p(x)) >= 0", relation=">=",
             tactics=(), cites=("f-at-mean",), hypotheses=SIGNS, lemma=True),
        Step("log-mean-below-tangent", q2 * (TANGENT - sp.log(MEAN)), sp.Integer(0),
             "log m <= its tangent at p(x), times q(z_2|x) > 0", relation=">=", by="chain",
             cites=("tangent-minus-log", "f-times-q"), lemma=True),
        Step("inner-gap-is-one-integral", gap, sp.Integral(q2 * (TANGENT - sp.log(MEAN)), LINE2),
             "linearity over z_2", tactics=("split_integrals",), hypotheses=(*SPLIT, "inner-log-integrable"),
             lemma=True),
        Step("inner-gap-integrated", sp.Integral(q2 * (TANGENT - sp.log(MEAN)), LINE2), sp.Integer(0),
             "integrate over z_2 (monotone)", relation=">=", by="monotone", cites=("log-mean-below-tangent",),
             hypotheses=("inner-gap-integrable",), lemma=True),
        Step("inner-gap-nonnegative", gap, sp.Integer(0), "E_{z_2}[tangent - log m] >= 0 at every z_1",
             relation=">=", by="chain", cites=("inner-gap-is-one-integral", "inner-gap-integrated"),
             lemma=True),
        Step("outer-split", q * INNER_TANGENT, q * gap + q * INNER_LOG, "add and subtract E_{z_2}[log m]",
             tactics=("expand",), lemma=True),
        Step("outer-drop-gap", q * gap + q * INNER_LOG, q * INNER_LOG, "q(z_1|x) > 0 times a nonnegative gap",
             relation=">=", tactics=(), cites=("inner-gap-nonnegative",), hypotheses=("q-positive",),
             lemma=True),
        Step("outer-pointwise", q * INNER_TANGENT, q * INNER_LOG, "E_{z_2}[log m] <= E_{z_2}[tangent]",
             relation=">=", by="chain", cites=("outer-split", "outer-drop-gap"), lemma=True),
        Step("outer-integral", L2, L2_TANGENT, "integrate over z_1 (monotone)", relation="<=", by="monotone",
             cites=("outer-pointwise",), hypotheses=("outer-log-integrable", "outer-tangent-integrable")),
        Step("expected-tangent", L2_TANGENT, sp.log(p_x),
             "E[tangent] = log p(x) + (E[m] - p(x))/p(x) = log p(x): E[w(z_k)] = p(x), ∫ q = 1",
             tactics=("split_integrals", "hypotheses"),
             hypotheses=("q-normalised", "evidence", "q-normalised-2", "evidence-2", *SPLIT)),
    )  # fmt: skip


def claims() -> tuple[Claim, ...]:
    steps = _steps()
    base = (*POSITIVE, "q-normalised", "evidence", "q-integrable", "joint-integrable")
    return (
        Claim(
            id="iwae-bound",
            title="Importance-weighted bound, K = 1 and 2 only: L_1 = ELBO(q), L_2 <= log p(x), any q, model",
            conclusions=(
                Conclusion(steps[1].lhs, ELBO_Q, chain=("iwae-1",), name="one-sample-is-elbo"),
                Conclusion(
                    L2, sp.log(p_x), "<=", chain=("outer-integral", "expected-tangent"), name="two-samples"
                ),
            ),
            steps=steps,
            hypotheses=(*hypotheses(*base), *SECOND, *INTEGRABLE),
            special_case="K = 1 and K = 2 samples; not every K, and not L_1 <= L_2 (Burda et al., Theorem 1)",
            references=(BURDA,),
            impl=("impl.iwae_bound",),
        ),
    )
