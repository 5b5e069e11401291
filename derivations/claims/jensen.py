"""The other route to the bound: Jensen's inequality, log p(x) = log E_q[w] >= E_q[log w], w = p(x, z)/q(z|x).

Most textbooks (Blei et al. 2017, eq. 13; Bishop 2006, §10.1) and many viewers meet the ELBO this way. The
concavity of log is used as its tangent line at E_q[w] = p(x): log w <= log p(x) + (w - p(x))/p(x), which
is f(w/p(x)) >= 0 for f(t) = t - 1 - log t (a lemma on t > 0, instantiated at t = w/p(x) > 0 at every z);
multiply by q > 0 and integrate (monotone rule): E_q[log w] <= log p(x) + (E_q[w] - p(x))/p(x) = log p(x).
No posterior and no KL appear. Nats; q, p(x|z), p(z) abstract densities under displayed hypotheses.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.divergence import gibbs_f
from derivations.claims.elbo import BLEI, ELBO_Q, KINGMA_WELLING, LINE, POSITIVE, hypotheses, lik, prior, q
from derivations.claims.elbo_bound import f_nonnegative
from derivations.core import Claim, Conclusion, Hypothesis, Step, integrable
from derivations.symbols import p_x, t, z

JENSEN = "Jensen (1906), Sur les fonctions convexes; Cover & Thomas (2006), Theorem 2.6.2"
BISHOP_VI = "Bishop (2006), Pattern Recognition and Machine Learning, §10.1, eq. (10.2)-(10.3)"
#: The importance weight w(z) = p(x, z) / q(z|x) = p(x|z) p(z) / q(z|x); E_q[w] = p(x).
WEIGHT = lik * prior / q
#: The tangent line of log at p(x), evaluated at w: log p(x) + (w - p(x)) / p(x).
TANGENT = sp.log(p_x) + (WEIGHT - p_x) / p_x
TANGENT_HYPOTHESIS = Hypothesis("tangent-integrable", integrable(q * TANGENT, z))


def _steps() -> tuple[Step, ...]:
    ratio = WEIGHT / p_x
    return (
        f_nonnegative(),
        Step("f-at-weight", gibbs_f(ratio), sp.Integer(0), "f >= 0 at t = w/p(x) > 0", relation=">=",
             by="instance", cites=("f-nonnegative",), substitution=((t, ratio),), hypotheses=POSITIVE,
             lemma=True),
        Step("tangent-minus-log", q * TANGENT, q * sp.log(WEIGHT) + q * gibbs_f(ratio),
             "tangent - log w = f(w/p(x)) at every z (logs of positive numbers)", tactics=("expand_log",),
             hypotheses=POSITIVE, lemma=True),
        Step("drop-f", q * sp.log(WEIGHT) + q * gibbs_f(ratio), q * sp.log(WEIGHT), "q f(w/p(x)) >= 0",
             relation=">=", tactics=(), cites=("f-at-weight",), hypotheses=("q-positive",), lemma=True),
        Step("log-below-tangent", q * TANGENT, q * sp.log(WEIGHT), "q log w <= q tangent at every z",
             relation=">=", by="chain", cites=("tangent-minus-log", "drop-f"), lemma=True),
        Step("evidence-is-expected-weight", sp.log(sp.Integral(lik * prior, LINE)), sp.log(p_x),
             "E_q[w] = ∫ q p(x, z)/q dz = ∫ p(x|z) p(z) dz = p(x) (importance sampling)",
             hypotheses=("evidence",),
             tactics=("hypotheses",)),
        Step("weight-is-evidence", sp.log(p_x), sp.log(sp.Integral(lik * prior, LINE)),
             "p(x) = ∫ p(x|z) p(z) dz = E_q[w]", hypotheses=("evidence",), tactics=("hypotheses",)),
        Step("evidence-is-expected-tangent", sp.log(p_x), sp.Integral(q * TANGENT, LINE),
             "E_q[tangent] = log p(x) ∫ q + (∫ p(x, z) dz - p(x) ∫ q)/p(x) = log p(x)",
             tactics=("split_integrals", "hypotheses"),
             hypotheses=("q-normalised", "evidence", "q-integrable", "joint-integrable")),
        Step("integrate-below-tangent", sp.Integral(q * TANGENT, LINE), ELBO_Q,
             "integrate the pointwise bound over z (monotone)", relation=">=", by="monotone",
             cites=("log-below-tangent",), hypotheses=("tangent-integrable", "elbo-integrable")),
    )  # fmt: skip


def claims() -> tuple[Claim, ...]:
    expected_weight = sp.log(sp.Integral(sp.Mul(q, WEIGHT, evaluate=False), LINE))
    names = (*POSITIVE, "q-normalised", "evidence", "q-integrable", "joint-integrable", "elbo-integrable")
    return (
        Claim(
            id="elbo-bound-jensen",
            title="Jensen's route: log p(x) = log E_q[p(x, z)/q(z|x)] >= E_q[log p(x, z)/q(z|x)] = ELBO(q), "
            "for every q and model",
            conclusions=(
                Conclusion(
                    sp.log(p_x), expected_weight, chain=("weight-is-evidence",), name="importance-sampling"
                ),
                Conclusion(
                    expected_weight,
                    ELBO_Q,
                    ">=",
                    name="jensen",
                    chain=(
                        "evidence-is-expected-weight",
                        "evidence-is-expected-tangent",
                        "integrate-below-tangent",
                    ),
                ),
            ),
            steps=_steps(),
            hypotheses=(*hypotheses(*names), TANGENT_HYPOTHESIS),
            lecture_times=("10:48",),
            references=(JENSEN, BLEI, BISHOP_VI, KINGMA_WELLING),
            impl=("impl.neg_elbo", "impl.iwae_bound"),
        ),
    )
