"""Worked instances on the linear-Gaussian model: the ELBO, the identity and the bound in closed form.

z ~ N(0, 1), x | z ~ N(w z + b, s^2) (``linear_gaussian.py``), encoder q = N(mu, sigma^2) for every mu, sigma.
Each expectation is computed from its integral: the log-density is first rewritten at every z as a
polynomial in z (a lemma), the identity is integrated (monotone rule), and the polynomial integrates in
a fraction of a second where the unexpanded integrand takes seconds. The closed forms are those that
``elbo.py`` exports and the experiments use. +KL, nats, one x.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.divergence import gibbs_f
from derivations.claims.elbo import (
    BLEI,
    ELBO,
    EXPECTED_LOG_LIKELIHOOD,
    KINGMA_WELLING,
    KL_TO_GAUSSIAN,
    KL_TO_POSTERIOR,
    KL_TO_PRIOR,
    LINE,
)
from derivations.claims.elbo_bound import COVER_THOMAS
from derivations.claims.linear_gaussian import BISHOP, LOG_MARGINAL, POSTERIOR_MEAN, POSTERIOR_VAR
from derivations.claims.moments import normal_pdf, standard_normal_pdf
from derivations.core import Claim, Conclusion, Hypothesis, Step
from derivations.symbols import b, delta, m, mu, rho, s, sigma, t, tau, w, x, z

q, lik, prior = normal_pdf(z, mu, sigma), normal_pdf(x, w * z + b, s), standard_normal_pdf(z)
#: log N(x; w z + b, s^2) and the log-ratios log q/p(z), log q/N(m, tau^2) as polynomials in z.
LOG_LIKELIHOOD = (-sp.log(2 * sp.pi * s**2) / 2 - (x - b) ** 2 / (2 * s**2) + w * (x - b) / s**2 * z
                  - w**2 / (2 * s**2) * z**2)  # fmt: skip
LOG_RATIO_PRIOR = -sp.log(sigma) - (z - mu) ** 2 / (2 * sigma**2) + z**2 / 2
LOG_RATIO_GAUSSIAN = (
    sp.log(tau) - sp.log(sigma) - (z - mu) ** 2 / (2 * sigma**2) + (z - m) ** 2 / (2 * tau**2)
)
ZERO = sp.Integer(0)
INSTANCE = "the linear-Gaussian model z ~ N(0, 1), x | z ~ N(w z + b, s^2) with q = N(mu, sigma^2)"
GAUSSIAN = (sp.Q.positive(sigma), sp.Q.positive(s), sp.Q.positive(tau))


def expectation(
    name: str, log_form: sp.Expr, polynomial: sp.Expr, closed: sp.Expr, rule: str
) -> tuple[Step, ...]:
    """E_q[log_form] = closed: log_form = polynomial at every z (lemma), integrated, then Gaussian moments."""
    return (
        Step(f"{name}-pointwise", q * log_form, q * polynomial, "the log-density as a polynomial in z",
             GAUSSIAN, tactics=("expand_log", "expand"), lemma=True),
        Step(f"{name}-polynomial", sp.Integral(q * log_form, LINE), sp.Integral(q * polynomial, LINE),
             "integrate the pointwise identity over z", by="monotone", cites=(f"{name}-pointwise",)),
        Step(f"{name}-moments", sp.Integral(q * polynomial, LINE), closed, rule, GAUSSIAN,
             tactics=("doit", "expand_log", "expand")),
    )  # fmt: skip


def chain(steps: tuple[Step, ...]) -> tuple[str, ...]:
    return tuple(s.name for s in steps if not s.lemma)


def _decomposition() -> Claim:
    recon = expectation(
        "reconstruction",
        sp.log(lik),
        LOG_LIKELIHOOD,
        EXPECTED_LOG_LIKELIHOOD,
        "E_q[1] = 1, E_q[z] = mu, E_q[z^2] = mu^2 + sigma^2 (Gaussian integrals)",
    )
    reg = expectation(
        "regulariser",
        sp.log(q / prior),
        LOG_RATIO_PRIOR,
        KL_TO_PRIOR,
        "the same moments: KL(q || N(0, 1)) = (mu^2 + sigma^2 - 1 - log sigma^2) / 2",
    )
    elbo = expectation(
        "elbo",
        sp.log(lik * prior / q),
        LOG_LIKELIHOOD - LOG_RATIO_PRIOR,
        ELBO,
        "the same moments: ELBO = E_q[log p(x|z)] - KL(q || p(z)), in one integral",
    )
    return Claim(
        id="elbo-decomposition-linear-gaussian",
        special_case=f"{INSTANCE} (a worked instance of elbo-decomposition, proved for every q and model)",
        title="Worked instance (linear-Gaussian model, q = N(mu, sigma^2)): ELBO, reconstruction and KL in "
        "closed form, from their integrals",
        conclusions=tuple(
            Conclusion(s[1].lhs, s[2].rhs, chain=chain(s), name=s[2].name.split("-")[0])
            for s in (recon, reg, elbo)
        ),
        steps=(*recon, *reg, *elbo),
        lecture_times=("12:23", "26:44"),
        references=(KINGMA_WELLING, BISHOP),
        impl=("impl.neg_elbo", "impl.gaussian_kl", "impl.gaussian_nll"),
    )


def _identity() -> Claim:
    kl = expectation(
        "kl-to-gaussian",
        sp.log(q / normal_pdf(z, m, tau)),
        LOG_RATIO_GAUSSIAN,
        KL_TO_GAUSSIAN,
        "Gaussian moments: (mu - m)^2 / (2 tau^2) + f(sigma^2 / tau^2) / 2, f(t) = t - 1 - log t",
    )
    total = ELBO + KL_TO_POSTERIOR
    steps = (
        *kl,
        Step("identity-closed-form", LOG_MARGINAL, total,
             "log p(x) = ELBO(mu, sigma) + KL(q || p(z|x)) for every mu, sigma (kl-identity in closed form)",
             GAUSSIAN, tactics=("expand_log", "simplify")),
        Step("same-gradient-mu", sp.Derivative(total, mu), sp.Integer(0),
             "d/dmu (ELBO + KL(q || p(z|x))) = d log p(x)/dmu = 0: raising the ELBO lowers the KL (11:00)"),
        Step("same-gradient-sigma", sp.Derivative(total, sigma), sp.Integer(0),
             "d/dsigma (ELBO + KL(q || p(z|x))) = 0: maximising the ELBO minimises KL(q || p(z|x)) (11:00)",
             GAUSSIAN),
    )  # fmt: skip
    return Claim(
        id="kl-identity-linear-gaussian",
        special_case=f"{INSTANCE} (a worked instance of kl-identity, proved for every q and model)",
        title="Worked instance (linear-Gaussian model, q = N(mu, sigma^2)): log p(x) = ELBO + KL(q || p(z|x))"
        " in closed form; ELBO and KL have opposite gradients",
        conclusions=(
            Conclusion(kl[1].lhs, KL_TO_GAUSSIAN, chain=chain(kl), name="kl-to-gaussian"),
            Conclusion(LOG_MARGINAL, total, chain=("identity-closed-form",), name="identity"),
            Conclusion(
                sp.Derivative(total, mu), sp.Integer(0), chain=("same-gradient-mu",), name="gradient-mu"
            ),
            Conclusion(
                sp.Derivative(total, sigma),
                sp.Integer(0),
                chain=("same-gradient-sigma",),
                name="gradient-sigma",
            ),
        ),
        steps=steps,
        uses=("marginal-likelihood", "elbo-decomposition-linear-gaussian"),
        lecture_times=("10:47", "11:00"),
        references=(KINGMA_WELLING, BLEI, BISHOP),
        impl=("impl.neg_elbo", "impl.iwae_bound"),
    )


def _drop_variance_part(name: str, lhs: sp.Expr, lemma: bool = False) -> Step:
    """KL(N(mu, sigma^2) || N(m, tau^2)) >= (mu - m)^2 / (2 tau^2), by f >= 0 at t = sigma^2 / tau^2."""
    return Step(name, lhs, lhs - gibbs_f(sigma**2 / tau**2) / 2, "f(sigma^2 / tau^2) / 2 >= 0", relation=">=",
                tactics=(), cites=("half-f-at-ratio",), lemma=lemma)  # fmt: skip


def _bound() -> Claim:
    shifted, scaled = KL_TO_GAUSSIAN.subs(mu, m + delta), KL_TO_GAUSSIAN.subs({mu: m, sigma: rho * tau})
    square = (mu - m) ** 2 / (2 * tau**2)
    posterior = {m: POSTERIOR_MEAN, tau: sp.sqrt(POSTERIOR_VAR)}
    off_one = sp.Union(sp.Interval.open(0, 1), sp.Interval.open(1, sp.oo))
    steps = (
        Step("half-f-nonnegative", gibbs_f(t) / 2, sp.Integer(0), "f(t)/2 >= 0 on t > 0 (range of f)",
             (sp.Q.positive(t),), ">=", domain=(t, sp.Interval.open(0, sp.oo)), lemma=True),
        Step("half-f-at-ratio", gibbs_f(sigma**2 / tau**2) / 2, sp.Integer(0), "f >= 0 at t = sigma^2/tau^2",
             relation=">=", by="instance", cites=("half-f-nonnegative",),
             substitution=((t, sigma**2 / tau**2),), lemma=True),
        _drop_variance_part("drop-variance-part", KL_TO_GAUSSIAN),
        Step("square-nonnegative", square, sp.Integer(0), "a square over 2 tau^2 > 0", relation=">="),
        _drop_variance_part("drop-variance-part-lemma", KL_TO_GAUSSIAN, lemma=True),
        Step("square-nonnegative-lemma", square, sp.Integer(0), "a square over 2 tau^2 > 0", relation=">=",
             lemma=True),
        Step("kl-nonnegative-lemma", KL_TO_GAUSSIAN, sp.Integer(0), "KL >= (mu - m)^2/(2 tau^2) >= 0",
             relation=">=", by="chain", cites=("drop-variance-part-lemma", "square-nonnegative-lemma"),
             lemma=True),
        Step("gap-is-kl", LOG_MARGINAL - ELBO, KL_TO_POSTERIOR,
             "log p(x) - ELBO = KL(q || N(m, tau^2)) at the posterior's m, tau (kl-identity-linear-gaussian)",
             GAUSSIAN, tactics=("expand_log", "simplify")),
        Step("kl-to-posterior-nonnegative", KL_TO_POSTERIOR, sp.Integer(0), "the lemma at m, tau of p(z|x)",
             relation=">=", by="instance", cites=("kl-nonnegative-lemma",),
             substitution=tuple(posterior.items()), lemma=True),
        Step("elbo-is-evidence-minus-gap", ELBO, LOG_MARGINAL - KL_TO_POSTERIOR, "rearrange the identity",
             GAUSSIAN, tactics=("expand_log", "simplify")),
        Step("drop-the-gap", LOG_MARGINAL - KL_TO_POSTERIOR, LOG_MARGINAL, "KL(q || p(z|x)) >= 0",
             relation="<=", tactics=(), cites=("kl-to-posterior-nonnegative",)),
        Step("tight-at-posterior", sp.Subs(KL_TO_GAUSSIAN, (mu, sigma), (m, tau)), sp.Integer(0),
             "at mu = m, sigma = tau: 0/(2 tau^2) + f(1)/2 = 0"),
        _drop_variance_part("drop-variance-part-shifted", shifted),
        Step("shifted-mean-positive", delta**2 / (2 * tau**2), sp.Integer(0), "delta != 0: > 0",
             relation=">"),
        Step("scaled-variance-positive", scaled, sp.Integer(0), "f(rho^2)/2 > 0 for rho in (0, 1) or (1, oo)",
             relation=">", domain=(rho, off_one), hypotheses=("rho-not-one",)),
    )  # fmt: skip
    return Claim(
        id="elbo-bound-linear-gaussian",
        special_case=f"{INSTANCE} (a worked instance of elbo-bound, proved for every q and model)",
        title="Worked instance (linear-Gaussian model, q = N(mu, sigma^2)): the gap is KL(q || p(z|x)) >= 0, "
        "zero exactly at mu = m, sigma = tau (the posterior)",
        conclusions=(
            Conclusion(LOG_MARGINAL - ELBO, KL_TO_POSTERIOR, chain=("gap-is-kl",), name="gap"),
            Conclusion(KL_TO_GAUSSIAN, ZERO, ">=", chain=("drop-variance-part", "square-nonnegative"),
                       name="kl-nonnegative"),
            Conclusion(ELBO, LOG_MARGINAL, "<=", chain=("elbo-is-evidence-minus-gap", "drop-the-gap"),
                       name="bound"),
            Conclusion(sp.Subs(KL_TO_GAUSSIAN, (mu, sigma), (m, tau)), ZERO, chain=("tight-at-posterior",),
                       name="zero-at-posterior"),
            Conclusion(shifted, ZERO, ">", chain=("drop-variance-part-shifted", "shifted-mean-positive"),
                       name="positive-off-the-mean"),
            Conclusion(scaled, ZERO, ">", chain=("scaled-variance-positive",),
                       name="positive-off-the-variance"),
        ),
        steps=steps,
        hypotheses=(Hypothesis("rho-not-one", sp.Contains(rho, off_one)),),
        uses=("marginal-likelihood", "kl-identity-linear-gaussian", "elbo-decomposition-linear-gaussian"),
        lecture_times=("10:48", "11:00"),
        references=(KINGMA_WELLING, COVER_THOMAS, BISHOP),
        impl=("impl.neg_elbo", "impl.iwae_bound"),
    )  # fmt: skip


def claims() -> tuple[Claim, ...]:
    return (_decomposition(), _identity(), _bound())
