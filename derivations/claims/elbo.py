"""The evidence lower bound for every q and every model: log p(x) = ELBO + KL(q || p(z|x)), and its parts.

q(z|x), p(x|z), p(z) and p(z|x) are SymPy undefined functions (``derivations.symbols``: q_phi, p_theta,
p_prior, p_post) under displayed hypotheses: positivity, ∫ q dz = 1, Bayes' rule, integrability. Pointwise
identities (z free, where the positivity hypotheses apply) are integrated by the monotone rule for "=="
and split by licensed linearity. The linear-Gaussian closed forms below are the worked instances
(``elbo_gaussian.py``); the experiments use them as ground truth. Sign convention: the ELBO and the
log-densities as written (not negated), +KL, nats, one x, no reduction.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.divergence import gibbs_f
from derivations.claims.gaussian_kl import standard_kl
from derivations.claims.linear_gaussian import POSTERIOR_MEAN, POSTERIOR_VAR
from derivations.core import Claim, Conclusion, Hypothesis, Step, integrable
from derivations.symbols import b, m, mu, p_post, p_prior, p_theta, p_x, q_phi, s, sigma, tau, w, x, z

KINGMA_WELLING = "Kingma & Welling (2013), Auto-Encoding Variational Bayes, §2.2, eq. (1)-(3) and Appendix B"
BLEI = "Blei, Kucukelbir & McAuliffe (2017), Variational Inference: A Review for Statisticians, §2.2"
BISHOP = "Bishop (2006), Pattern Recognition and Machine Learning, §10.1, eq. (10.2)-(10.4)"

# -- the linear-Gaussian closed forms (worked instances; which claim proves each is named) ------------------
#: E_q[log p(x|z)], q = N(mu, sigma^2), p(x|z) = N(w z + b, s^2), in nats; proved by
#: ``elbo-decomposition-linear-gaussian`` (conclusion reconstruction).
EXPECTED_LOG_LIKELIHOOD = (
    -((x - w * mu - b) ** 2 + w**2 * sigma**2) / (2 * s**2) - sp.log(2 * sp.pi * s**2) / 2
)
#: +KL(N(mu, sigma^2) || N(0, 1)) (Kingma & Welling 2013, App. B), nats; proved from its integral by
#: ``elbo-decomposition-linear-gaussian`` (conclusion regulariser) and by ``gaussian-kl-standard``.
KL_TO_PRIOR = standard_kl(mu, sigma)
#: ELBO(mu, sigma) = E_q[log p(x|z)] - KL(q || p(z)) (Kingma & Welling 2013, eq. (3)); the loss is -ELBO.
#: Proved from its integral by ``elbo-decomposition-linear-gaussian`` (conclusion elbo).
ELBO = EXPECTED_LOG_LIKELIHOOD - KL_TO_PRIOR
#: +KL(N(mu, sigma^2) || N(m, tau^2)) = (mu - m)^2 / (2 tau^2) + f(sigma^2 / tau^2) / 2, f(t) = t - 1 - log t;
#: proved from its integral by ``kl-identity-linear-gaussian`` (conclusion kl-to-gaussian).
KL_TO_GAUSSIAN = (mu - m) ** 2 / (2 * tau**2) + gibbs_f(sigma**2 / tau**2) / 2
#: +KL(q || p(z|x)) on the linear-Gaussian model: the gap log p(x) - ELBO (``kl-identity-linear-gaussian``;
#: the posterior's mean and variance from ``marginal-likelihood``).
KL_TO_POSTERIOR = KL_TO_GAUSSIAN.subs({m: POSTERIOR_MEAN, tau: sp.sqrt(POSTERIOR_VAR)}, simultaneous=True)

# -- abstract densities -------------------------------------------------------------------------------------
LINE = (z, -sp.oo, sp.oo)
q, lik, prior, post = q_phi(z, x), p_theta(x, z), p_prior(z), p_post(z, x)


def expect(integrand: sp.Expr) -> sp.Integral:
    """E_{q(z|x)}[integrand] = ∫ q(z|x) integrand dz, unevaluated (the definition the checker works on)."""
    return sp.Integral(q * integrand, LINE)


#: ELBO(q) = E_q[log p(x, z) - log q(z|x)] with p(x, z) = p(x|z) p(z) (Kingma & Welling 2013, eq. (3)).
ELBO_Q = expect(sp.log(lik * prior / q))
#: E_q[log p(x|z)] (the reconstruction term) and KL(q(z|x) || p(z)) (the regulariser), +KL, nats.
RECONSTRUCTION_Q = expect(sp.log(lik))
KL_PRIOR_Q = expect(sp.log(q / prior))
#: KL(q(z|x) || p(z|x)), the gap of the bound.
KL_POSTERIOR_Q = expect(sp.log(q / post))

#: Every hypothesis the abstract claims display, by name; each claim shows the ones its steps use.
HYPOTHESES = {
    h.name: h
    for h in (
        Hypothesis("q-positive", q > 0),
        Hypothesis("likelihood-positive", lik > 0),
        Hypothesis("prior-positive", prior > 0),
        Hypothesis("posterior-positive", post > 0),
        Hypothesis("q-normalised", sp.Eq(sp.Integral(q, LINE), 1)),
        Hypothesis("evidence", sp.Eq(sp.Integral(lik * prior, LINE), p_x)),
        Hypothesis("bayes", sp.Eq(post, lik * prior / p_x)),
        Hypothesis("q-integrable", integrable(q, z)),
        Hypothesis("joint-integrable", integrable(lik * prior, z)),
        Hypothesis("posterior-integrable", integrable(post, z)),
        Hypothesis("elbo-integrable", integrable(q * sp.log(lik * prior / q), z)),
        Hypothesis("reconstruction-integrable", integrable(q * sp.log(lik), z)),
        Hypothesis("regulariser-integrable", integrable(q * sp.log(q / prior), z)),
        Hypothesis("gap-integrable", integrable(q * sp.log(q / post), z)),
    )
}
POSITIVE = ("q-positive", "likelihood-positive", "prior-positive")


def hypotheses(*names: str) -> tuple[Hypothesis, ...]:
    """The named hypotheses, in the order of ``HYPOTHESES`` (how the claim displays them)."""
    return tuple(h for n, h in HYPOTHESES.items() if n in names)


def _kl_identity() -> Claim:
    pointwise = q * sp.log(lik * prior / q) + q * sp.log(q * p_x / (lik * prior))
    both = sp.Integral(q * sp.log(lik * prior / q) + q * sp.log(q / post), LINE)
    steps = (
        Step("evidence-is-its-expectation", sp.log(p_x), expect(sp.log(p_x)),
             "log p(x) has no z: E_q[log p(x)] = log p(x) ∫ q dz = log p(x) (10:47)",
             tactics=("split_integrals", "hypotheses"), hypotheses=("q-normalised", "q-integrable")),
        Step("add-subtract-log-q-pointwise", q * sp.log(p_x), pointwise,
             "log p(x) = log p(x, z)/q(z|x) + log q(z|x) p(x)/p(x, z) at every z (logs of positive numbers)",
             tactics=("expand_log",), hypotheses=POSITIVE, lemma=True),
        Step("add-subtract-log-q", expect(sp.log(p_x)), sp.Integral(pointwise, LINE),
             "integrate the pointwise identity over z", by="monotone",
             cites=("add-subtract-log-q-pointwise",)),
        Step("bayes-pointwise", pointwise, both.function, "p(x)/p(x, z) = 1/p(z|x) (Bayes' rule) at every z",
             hypotheses=("bayes",), tactics=("hypotheses",), lemma=True),
        Step("posterior-by-bayes", sp.Integral(pointwise, LINE), both, "integrate the identity over z",
             by="monotone", cites=("bayes-pointwise",)),
        Step("split-elbo-and-gap", both, ELBO_Q + KL_POSTERIOR_Q,
             "linearity of the integral: both parts are integrable", tactics=("split_integrals",),
             hypotheses=("elbo-integrable", "gap-integrable")),
    )  # fmt: skip
    chain = tuple(s.name for s in steps if not s.lemma)
    return Claim(
        id="kl-identity",
        title="log p(x) = ELBO(q) + KL(q(z|x) || p(z|x)) for every density q and every model p(x|z) p(z)",
        conclusions=(Conclusion(sp.log(p_x), ELBO_Q + KL_POSTERIOR_Q, chain=chain, name="identity"),),
        steps=steps,
        hypotheses=hypotheses(
            *POSITIVE, "q-normalised", "bayes", "q-integrable", "elbo-integrable", "gap-integrable"
        ),
        lecture_times=("10:47", "10:48", "11:00"),
        references=(KINGMA_WELLING, BLEI, BISHOP),
        impl=("impl.neg_elbo", "impl.iwae_bound"),
    )


def _elbo_decomposition() -> Claim:
    parts = q * sp.log(lik) - q * sp.log(q / prior)
    split = ("reconstruction-integrable", "regulariser-integrable")
    steps = (
        Step("joint-factorises", q * sp.log(lik * prior / q), parts,
             "log p(x, z)/q = log p(x|z) - log q/p(z) at every z: p(x, z) = p(x|z) p(z), all positive",
             tactics=("expand_log",), hypotheses=POSITIVE, lemma=True),
        Step("integrate-factorised", ELBO_Q, sp.Integral(parts, LINE),
             "integrate the pointwise identity over z", by="monotone", cites=("joint-factorises",)),
        Step("split-reconstruction-regulariser", sp.Integral(parts, LINE), RECONSTRUCTION_Q - KL_PRIOR_Q,
             "linearity of the integral: both parts are integrable", tactics=("split_integrals",),
             hypotheses=split),
        Step("elbo-factorised", ELBO_Q, sp.Integral(parts, LINE), "integrate the pointwise identity over z",
             by="monotone", cites=("joint-factorises",), lemma=True),
        Step("loss-is-minus-elbo", -ELBO_Q, -sp.Integral(parts, LINE),
             "the loss is -ELBO: negate the integrated identity", tactics=("hypotheses",),
             cites=("elbo-factorised",)),
        Step("loss-splits", -sp.Integral(parts, LINE), -RECONSTRUCTION_Q + KL_PRIOR_Q,
             "linearity: -ELBO = -E_q[log p(x|z)] (reconstruction) + KL(q || p(z)) (regulariser) (12:23)",
             tactics=("split_integrals",), hypotheses=split),
    )  # fmt: skip
    return Claim(
        id="elbo-decomposition",
        title="ELBO = E_q[log p(x|z)] - KL(q(z|x) || p(z)) for every q and model; loss -ELBO = recon. + reg.",
        conclusions=(
            Conclusion(
                ELBO_Q, RECONSTRUCTION_Q - KL_PRIOR_Q, chain=(steps[1].name, steps[2].name), name="elbo"
            ),
            Conclusion(
                -ELBO_Q, -RECONSTRUCTION_Q + KL_PRIOR_Q, chain=(steps[4].name, steps[5].name), name="loss"
            ),
        ),
        steps=steps,
        hypotheses=hypotheses(*POSITIVE, *split),
        lecture_times=("12:23",),
        references=(KINGMA_WELLING, BLEI),
        impl=("impl.neg_elbo", "impl.gaussian_kl", "impl.gaussian_nll"),
    )


def claims() -> tuple[Claim, ...]:
    return (_kl_identity(), _elbo_decomposition())
