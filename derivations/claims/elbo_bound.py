"""The bound ELBO(q) <= log p(x) for every q and every model, by Gibbs' inequality, and where it is tight.

The route (Cover & Thomas 2006, Theorem 2.6.3; Blei et al. 2017, §2.2): f(t) = t - 1 - log t >= 0 for t > 0,
so at every z, with t = p(z|x)/q(z|x), q log(q/p(z|x)) = q f(t) + q - p(z|x) >= q - p(z|x); integrating,
KL(q || p(z|x)) >= ∫ q - ∫ p(z|x) = 0; and ELBO = log p(x) - KL(q || p(z|x)) (the kl-identity, re-derived
here so that the chain is one piece). At q = p(z|x) the ELBO is log p(x). That equality holds only there is
shown on the Gaussian family (``elbo-bound-linear-gaussian``): for abstract densities "q = p(z|x) almost
everywhere" is measure theory, which SymPy does not state. +KL, nats.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.divergence import gibbs_f
from derivations.claims.elbo import (
    BLEI,
    ELBO_Q,
    KINGMA_WELLING,
    KL_POSTERIOR_Q,
    LINE,
    POSITIVE,
    hypotheses,
    lik,
    post,
    prior,
    q,
)
from derivations.core import Claim, Conclusion, Hypothesis, Step, integrable
from derivations.symbols import p_x, t, z

COVER_THOMAS = "Cover & Thomas (2006), Elements of Information Theory, 2nd ed., Theorem 2.6.3"
GIBBS_HYPOTHESIS = Hypothesis("gibbs-integrable", integrable(q - post, z))


def f_nonnegative() -> Step:
    """The lemma f(t) = t - 1 - log t >= 0 for every t > 0 (the range of f), for ``instance`` steps."""
    return Step("f-nonnegative", gibbs_f(t), sp.Integer(0), "f(t) = t - 1 - log t has range [0, oo) on t > 0",
                (sp.Q.positive(t),), ">=", domain=(t, sp.Interval.open(0, sp.oo)), lemma=True)  # fmt: skip


def _gibbs_steps() -> tuple[Step, ...]:
    """KL(q || p(z|x)) >= 0 as a lemma, from f >= 0 at t = p(z|x)/q(z|x), integrated; and ∫ p(z|x) = 1."""
    ratio, rest = post / q, q - post
    signs = ("q-positive", "posterior-positive")
    return (
        f_nonnegative(),
        Step("f-at-ratio", gibbs_f(ratio), sp.Integer(0), "f >= 0 at t = p(z|x)/q(z|x) > 0", relation=">=",
             by="instance", cites=("f-nonnegative",), substitution=((t, ratio),), hypotheses=signs,
             lemma=True),
        Step("gibbs-rewrite", q * sp.log(q / post), q * gibbs_f(ratio) + rest,
             "q log(q/p) = q f(p/q) + q - p at every z (logs of positive numbers)", tactics=("expand_log",),
             hypotheses=signs, lemma=True),
        Step("gibbs-drop-f", q * gibbs_f(ratio) + rest, rest, "q f(p/q) >= 0: q > 0 and f >= 0 there",
             relation=">=", tactics=(), cites=("f-at-ratio",), hypotheses=("q-positive",), lemma=True),
        Step("gibbs-pointwise", q * sp.log(q / post), rest, "q log(q/p) >= q - p at every z", relation=">=",
             by="chain", cites=("gibbs-rewrite", "gibbs-drop-f"), lemma=True),
        Step("gibbs-integrated", KL_POSTERIOR_Q, sp.Integral(rest, LINE),
             "Gibbs' inequality (gibbs-inequality) at q, p(z|x): integrate the pointwise bound",
             relation=">=", by="monotone", cites=("gibbs-pointwise",),
             hypotheses=("gap-integrable", "gibbs-integrable"), lemma=True),
        Step("bayes-at-every-z", post, lik * prior / p_x, "Bayes' rule at every z", hypotheses=("bayes",),
             tactics=("hypotheses",), lemma=True),
        Step("posterior-is-bayes", sp.Integral(post, LINE), sp.Integral(lik * prior / p_x, LINE),
             "integrate Bayes' rule over z", by="monotone", cites=("bayes-at-every-z",), lemma=True),
        Step("bayes-mass", sp.Integral(lik * prior / p_x, LINE), sp.Integer(1),
             "∫ p(x|z) p(z) dz / p(x) = p(x)/p(x) = 1", tactics=("split_integrals", "hypotheses"),
             hypotheses=("evidence", "joint-integrable"), lemma=True),
        Step("posterior-normalised", sp.Integral(post, LINE), sp.Integer(1), "∫ p(z|x) dz = 1", by="chain",
             cites=("posterior-is-bayes", "bayes-mass"), lemma=True),
        Step("unit-masses-cancel", sp.Integral(rest, LINE), sp.Integer(0), "∫ q - ∫ p(z|x) = 1 - 1 = 0",
             tactics=("split_integrals", "hypotheses"), cites=("posterior-normalised",),
             hypotheses=("q-normalised", "q-integrable", "posterior-integrable"), lemma=True),
        Step("gap-nonnegative", KL_POSTERIOR_Q, sp.Integer(0), "KL(q || p(z|x)) >= ∫ (q - p(z|x)) = 0",
             relation=">=", by="chain", cites=("gibbs-integrated", "unit-masses-cancel"), lemma=True),
    )  # fmt: skip


def _bound_steps() -> tuple[Step, ...]:
    bayes_form = q * sp.log(p_x) - q * sp.log(q * p_x / (lik * prior))
    gap_form = q * sp.log(p_x) - q * sp.log(q / post)
    return (
        Step("elbo-pointwise", q * sp.log(lik * prior / q), bayes_form,
             "log p(x, z)/q = log p(x) - log q p(x)/p(x, z) at every z (logs of positive numbers)",
             tactics=("expand_log",), hypotheses=POSITIVE, lemma=True),
        Step("elbo-pointwise-bayes", bayes_form, gap_form, "p(x, z)/p(x) = p(z|x) (Bayes' rule)",
             hypotheses=("bayes",), tactics=("hypotheses",), lemma=True),
        Step("elbo-minus-gap-pointwise", q * sp.log(lik * prior / q), gap_form,
             "log p(x, z)/q = log p(x) - log q/p(z|x) at every z", by="chain",
             cites=("elbo-pointwise", "elbo-pointwise-bayes"), lemma=True),
        Step("elbo-is-evidence-minus-gap", ELBO_Q, sp.Integral(gap_form, LINE),
             "integrate the pointwise identity over z", by="monotone", cites=("elbo-minus-gap-pointwise",)),
        Step("split-evidence-and-gap", sp.Integral(gap_form, LINE), sp.log(p_x) - KL_POSTERIOR_Q,
             "linearity, and E_q[log p(x)] = log p(x) ∫ q = log p(x) (the kl-identity)",
             tactics=("split_integrals", "hypotheses"),
             hypotheses=("q-normalised", "q-integrable", "gap-integrable")),
        Step("drop-the-gap", sp.log(p_x) - KL_POSTERIOR_Q, sp.log(p_x), "KL(q || p(z|x)) >= 0 (Gibbs)",
             relation="<=", tactics=(), cites=("gap-nonnegative",)),
        Step("tight-pointwise", post * sp.log(lik * prior / post), post * sp.log(p_x),
             "at q = p(z|x): p(x, z)/p(z|x) = p(x) at every z (Bayes' rule)", hypotheses=("bayes",),
             tactics=("hypotheses",), lemma=True),
        Step("tight-integrated", sp.Integral(post * sp.log(lik * prior / post), LINE),
             sp.Integral(post * sp.log(p_x), LINE), "integrate the pointwise identity over z",
             by="monotone", cites=("tight-pointwise",)),
        Step("tight-evidence", sp.Integral(post * sp.log(p_x), LINE), sp.log(p_x),
             "log p(x) ∫ p(z|x) dz = log p(x)", tactics=("split_integrals", "hypotheses"),
             cites=("posterior-normalised",), hypotheses=("posterior-integrable",)),
    )  # fmt: skip


def claims() -> tuple[Claim, ...]:
    steps = (*_gibbs_steps(), *_bound_steps())
    at_posterior = sp.Integral(post * sp.log(lik * prior / post), LINE)
    names = (*POSITIVE, "posterior-positive", "q-normalised", "evidence", "bayes", "q-integrable",
             "joint-integrable", "posterior-integrable", "gap-integrable")  # fmt: skip
    return (
        Claim(
            id="elbo-bound",
            title="ELBO(q) <= log p(x) for every q and model (Gibbs), attained at q = p(z|x)",
            conclusions=(
                Conclusion(
                    ELBO_Q,
                    sp.log(p_x),
                    "<=",
                    name="bound",
                    chain=("elbo-is-evidence-minus-gap", "split-evidence-and-gap", "drop-the-gap"),
                ),
                Conclusion(
                    at_posterior,
                    sp.log(p_x),
                    name="tight-at-posterior",
                    chain=("tight-integrated", "tight-evidence"),
                ),
            ),
            steps=steps,
            hypotheses=(*hypotheses(*names), GIBBS_HYPOTHESIS),
            uses=("gibbs-inequality",),
            lecture_times=("10:48", "11:00"),
            references=(KINGMA_WELLING, BLEI, COVER_THOMAS),
            impl=("impl.neg_elbo", "impl.iwae_bound"),
        ),
    )
