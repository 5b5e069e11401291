"""The evidence lower bound: log p(x) = ELBO + KL(q || p(z|x)), its decomposition, and the bound itself.

Generic steps work pointwise in z with positive numbers q(z|x), p(x|z), p(z), p(x) (``derivations.symbols``),
so they hold for every q and every model; closed-form steps use the linear-Gaussian model of
``linear_gaussian.py`` and an encoder q = N(mu, sigma^2) with arbitrary mu, sigma. Sign convention: the
ELBO and log-densities are as written (not negated), KL is +KL, all in nats, no reduction (one x, one z).
"""

from __future__ import annotations

import sympy as sp

from derivations.core import Claim, Step
from derivations.claims.divergence import gibbs_f
from derivations.claims.gaussian_kl import standard_kl
from derivations.claims.linear_gaussian import LOG_MARGINAL, POSTERIOR_MEAN, POSTERIOR_VAR
from derivations.claims.moments import normal_pdf, standard_normal_pdf
from derivations.symbols import b, m, mu, p_x, p_xgz, p_z, q_zx, s, sigma, t, tau, w, x, z

#: E_q[log p(x|z)] for q = N(mu, sigma^2) and p(x|z) = N(w z + b, s^2): the reconstruction term, in nats.
EXPECTED_LOG_LIKELIHOOD = (
    -((x - w * mu - b) ** 2 + w**2 * sigma**2) / (2 * s**2) - sp.log(2 * sp.pi * s**2) / 2
)
#: +KL(N(mu, sigma^2) || N(0, 1)) (Kingma & Welling 2013, App. B): the regulariser, in nats; the closed form
#: that ``gaussian-kl-standard`` derives from its integral.
KL_TO_PRIOR = standard_kl(mu, sigma)
#: ELBO(mu, sigma) = E_q[log p(x|z)] - KL(q || p(z)) (Kingma & Welling 2013, eq. (3)); the loss is -ELBO.
ELBO = EXPECTED_LOG_LIKELIHOOD - KL_TO_PRIOR


#: +KL(N(mu, sigma^2) || N(m, tau^2)) = (mu - m)^2 / (2 tau^2) + f(sigma^2 / tau^2) / 2, in nats.
KL_TO_GAUSSIAN = (mu - m) ** 2 / (2 * tau**2) + gibbs_f(sigma**2 / tau**2) / 2
#: +KL(q || p(z|x)) on the linear-Gaussian model: the gap log p(x) - ELBO.
KL_TO_POSTERIOR = KL_TO_GAUSSIAN.subs({m: POSTERIOR_MEAN, tau: sp.sqrt(POSTERIOR_VAR)}, simultaneous=True)

_q = normal_pdf(z, mu, sigma)
_likelihood, _prior = normal_pdf(x, w * z + b, s), standard_normal_pdf(z)
_POSITIVE = (sp.Q.positive(q_zx), sp.Q.positive(p_xgz), sp.Q.positive(p_z), sp.Q.positive(p_x))
_REFERENCES = (
    "Kingma & Welling (2013), Auto-Encoding Variational Bayes, §2.2, eq. (1)-(3) and Appendix B",
    "Blei, Kucukelbir & McAuliffe (2017), Variational Inference: A Review for Statisticians, §2.2",
    "Bishop (2006), Pattern Recognition and Machine Learning, §2.3.3 and §12.2 (the linear-Gaussian model)",
)


def _expect(integrand: sp.Expr) -> sp.Integral:
    """E_{z ~ N(mu, sigma^2)}[integrand] as an unevaluated integral (the definition the checker evaluates)."""
    return sp.Integral(_q * integrand, (z, -sp.oo, sp.oo))


def _kl_identity() -> Claim:
    posterior = p_xgz * p_z / p_x
    steps = (
        Step(
            "bayes-pointwise",
            sp.log(p_x),
            sp.log(p_xgz * p_z) - sp.log(posterior),
            "Bayes: p(z|x) = p(x, z) / p(x), so log p(x) = log p(x, z) - log p(z|x) at every z",
            _POSITIVE,
            tactics=("expand_log",),
        ),
        Step(
            "add-subtract-log-q",
            sp.log(p_x),
            sp.Add(sp.log(p_xgz * p_z) - sp.log(q_zx), sp.log(q_zx) - sp.log(posterior), evaluate=False),
            "add and subtract log q(z|x): log p(x) = ELBO integrand + KL(q || p(z|x)) integrand, at every z",
            _POSITIVE,
            tactics=("expand_log",),
        ),
        Step(
            "evidence-leaves-expectation",
            _expect(sp.log(p_x)),
            sp.log(p_x),
            "take E_q: log p(x) has no z, so E_q[log p(x)] = log p(x) ∫ q dz = log p(x) (10:47)",
            (sp.Q.positive(p_x), sp.Q.positive(sigma)),
        ),
        Step(
            "kl-to-gaussian",
            _expect(sp.log(_q / normal_pdf(z, m, tau))),
            KL_TO_GAUSSIAN,
            "KL(q || N(m, tau^2)) from its integral, with the posterior's m, tau kept atomic",
            (sp.Q.positive(sigma), sp.Q.positive(tau)),
            tactics=("expand_log", "doit", "simplify"),
        ),
        Step(
            "identity-closed-form",
            LOG_MARGINAL,
            ELBO + KL_TO_POSTERIOR,
            "linear-Gaussian model: log p(x) = ELBO(mu, sigma) + KL(q || p(z|x)) for every mu, sigma",
            (sp.Q.positive(sigma), sp.Q.positive(s), sp.Q.nonzero(w)),
            tactics=("expand_log", "simplify"),
        ),
        Step(
            "same-gradient-mu",
            sp.Derivative(ELBO + KL_TO_POSTERIOR, mu),
            sp.Integer(0),
            "d/dmu (ELBO + KL(q || p(z|x))) = d log p(x)/dmu = 0: raising the ELBO lowers the KL (11:00)",
        ),
        Step(
            "same-gradient-sigma",
            sp.Derivative(ELBO + KL_TO_POSTERIOR, sigma),
            sp.Integer(0),
            "d/dsigma (ELBO + KL(q || p(z|x))) = 0: maximising the ELBO minimises KL(q || p(z|x)) (11:00)",
            (sp.Q.positive(sigma), sp.Q.positive(s), sp.Q.nonzero(w)),
        ),
    )
    return Claim(
        id="kl-identity",
        title="log p(x) = ELBO(q) + KL(q(z|x) || p(z|x)) for every q: where log p(x) goes",
        statement=r"\log p(x) = \underbrace{\mathbb{E}_{q}[\log p(x, z) - \log q(z \mid x)]}"
        r"_{\mathrm{ELBO}(q)} + D_{\mathrm{KL}}(q(z \mid x) \,\|\, p(z \mid x))",
        lecture_times=("10:47", "10:48", "11:00"),
        steps=steps,
        references=_REFERENCES,
        impl=("impl.neg_elbo", "impl.iwae_bound"),
    )


def _elbo_decomposition() -> Claim:
    steps = (
        Step(
            "joint-factorises",
            sp.log(p_xgz * p_z) - sp.log(q_zx),
            sp.log(p_xgz) - (sp.log(q_zx) - sp.log(p_z)),
            "p(x, z) = p(x|z) p(z): ELBO integrand = log-likelihood - log q/p(z), at every z; then take E_q",
            _POSITIVE,
            tactics=("expand_log",),
        ),
        Step(
            "elbo-closed-form",
            _expect(sp.log(_likelihood) + sp.log(_prior) - sp.log(_q)),
            ELBO,
            "ELBO from its integral on the linear-Gaussian model: E_q[log p(x|z)] - KL(q || N(0, 1))",
            (sp.Q.positive(sigma), sp.Q.positive(s)),
            tactics=("expand_log", "doit", "simplify"),
        ),
        Step(
            "reconstruction-closed-form",
            _expect(sp.log(_likelihood)),
            EXPECTED_LOG_LIKELIHOOD,
            "E_q[log N(x; w z + b, s^2)] = -((x - w mu - b)^2 + w^2 sigma^2) / (2 s^2) - log(2 pi s^2) / 2",
            (sp.Q.positive(sigma), sp.Q.positive(s)),
            tactics=("expand_log", "doit", "simplify"),
        ),
    )
    return Claim(
        id="elbo-decomposition",
        title="ELBO = E_q[log p(x|z)] - KL(q(z|x) || p(z)); the loss -ELBO = reconstruction + regulariser",
        statement=r"\mathcal{L}(\theta, \phi) = -\mathrm{ELBO} = \underbrace{-\mathbb{E}_{q_\phi(z \mid x)}"
        r"[\log p_\theta(x \mid z)]}_{\text{reconstruction}} + \underbrace{D_{\mathrm{KL}}(q_\phi(z \mid x)"
        r" \,\|\, p(z))}_{\text{regulariser}}",
        lecture_times=("12:23",),
        steps=steps,
        references=_REFERENCES,
        impl=("impl.neg_elbo", "impl.gaussian_kl", "impl.gaussian_nll"),
    )


def _elbo_bound() -> Claim:
    at_posterior = {mu: POSTERIOR_MEAN, sigma: sp.sqrt(POSTERIOR_VAR)}
    steps = (
        Step(
            "gap-is-kl",
            LOG_MARGINAL - ELBO,
            KL_TO_POSTERIOR,
            "kl-identity: log p(x) - ELBO = (mu - m)^2/(2 tau^2) + f(sigma^2/tau^2)/2, p(z|x) = N(m, tau^2)",
            (sp.Q.positive(sigma), sp.Q.positive(s), sp.Q.nonzero(w)),
            tactics=("expand_log", "simplify"),
        ),
        Step(
            "quadratic-nonnegative",
            (mu - m) ** 2 / (2 * tau**2),
            sp.Integer(0),
            "a square over a positive number is nonnegative",
            (sp.Q.positive(tau),),
            relation=">=",
        ),
        Step(
            "quadratic-zero-only-at-mean",
            sp.solveset((mu - m) ** 2, mu, sp.Reals),
            sp.FiniteSet(m),
            "(mu - m)^2 = 0 only at mu = m",
        ),
        Step(
            "gibbs-nonnegative",
            gibbs_f(t),
            sp.Integer(0),
            "f(t) = t - 1 - log t >= 0 on t > 0 (range of f)",
            (sp.Q.positive(t),),
            relation=">=",
            domain=(t, sp.Interval.open(0, sp.oo)),
        ),
        Step(
            "gibbs-positive-below-one",
            gibbs_f(t),
            sp.Integer(0),
            "f(t) > 0 on 0 < t < 1 (range of f)",
            (sp.Q.positive(t),),
            relation=">",
            domain=(t, sp.Interval.open(0, 1)),
        ),
        Step(
            "gibbs-positive-above-one",
            gibbs_f(t),
            sp.Integer(0),
            "f(t) > 0 on t > 1 (range of f)",
            (sp.Q.positive(t),),
            relation=">",
            domain=(t, sp.Interval.open(1, sp.oo)),
        ),
        Step("gibbs-zero-at-one", sp.Subs(gibbs_f(t), t, 1), sp.Integer(0), "f(1) = 1 - 1 - log 1 = 0"),
        Step(
            "tight-at-posterior",
            ELBO.subs(at_posterior, simultaneous=True),
            LOG_MARGINAL,
            "at q = p(z|x) (mu = m, sigma^2 = tau^2) the gap is 0: ELBO = log p(x)",
            (sp.Q.positive(s), sp.Q.nonzero(w)),
            tactics=("expand_log", "simplify"),
        ),
    )
    return Claim(
        id="elbo-bound",
        title="ELBO <= log p(x), with equality exactly when q(z|x) is the true posterior",
        statement=r"\log p(x) - \mathrm{ELBO}(\mu, \sigma) = \frac{(\mu - m)^2}{2\tau^2}"
        r" + \tfrac12 f\!\left(\tfrac{\sigma^2}{\tau^2}\right) \ge 0,\ f(t) = t - 1 - \log t,"
        r"\ = 0 \iff (\mu, \sigma^2) = (m, \tau^2)",
        lecture_times=("10:48", "11:00"),
        steps=steps,
        references=(*_REFERENCES, "Cover & Thomas (2006), Elements of Information Theory, Theorem 2.6.3"),
        impl=("impl.neg_elbo", "impl.iwae_bound"),
    )


def claims() -> tuple[Claim, ...]:
    return (_kl_identity(), _elbo_decomposition(), _elbo_bound())
