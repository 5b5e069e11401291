"""Gibbs' inequality KL(q || p) >= 0, equality only at q = p; and what the KL is not (log σ, direction, sign).

The route: f(t) = t - 1 - log t is >= 0 on t > 0 and zero only at t = 1; pointwise
q log(q/p) = q f(p/q) - (p - q), and ∫ (p - q) = 0 for two densities, so KL(q || p) = E_q[f(p/q)] >= 0
(Cover & Thomas 2006, Theorem 2.6.3). Every quantity is +KL in nats.
"""

from __future__ import annotations

import sympy as sp

from derivations.core import Claim, Step
from derivations.claims.gaussian_kl import KINGMA_WELLING, from_integral, general_kl, kl_integral, standard_kl
from derivations.claims.moments import normal_pdf, standard_normal_pdf
from derivations.symbols import mu, mu1, mu2, p1, p2, q1, q2, sigma, sigma1, sigma2, t, z

COVER_THOMAS = "Cover & Thomas (2006), Elements of Information Theory, 2nd ed., Theorem 2.6.3"
BISHOP = "Bishop (2006), Pattern Recognition and Machine Learning, §1.6.1, eqs. (1.113)-(1.118)"
PYTORCH_EXAMPLES = "pytorch/examples, vae/main.py, loss_function: the comment shows -KL, the code returns +KL"
POSITIVE, NEGATIVE = sp.Interval.open(0, sp.oo), sp.Interval.open(-sp.oo, 0)
BELOW_ONE, ABOVE_ONE = sp.Interval.open(0, 1), sp.Interval.open(1, sp.oo)
GAUSSIAN = (sp.Q.real(mu), sp.Q.positive(sigma))
ZERO = sp.Integer(0)


def gibbs_f(t: sp.Expr) -> sp.Expr:
    """f(t) = t - 1 - log t, so that KL(q || p) = E_q[f(p/q)] (dimensionless; t = p/q > 0)."""
    return t - 1 - sp.log(t)


def _f_steps() -> tuple[Step, ...]:
    f, on = gibbs_f(t), (sp.Q.positive(t),)
    return (
        Step("f-nonnegative", f, ZERO, "f has range [0, oo) on t > 0", on, ">=", domain=(t, POSITIVE)),
        Step("f-stationary-point", sp.Derivative(f, t), (t - 1) / t, "f'(t) = (t - 1)/t: zero only at t = 1"),
        Step("f-convex", sp.Derivative(f, t, 2), ZERO, "f''(t) = 1/t² > 0", on, ">"),
        Step("f-zero-at-one", sp.Subs(f, t, 1), ZERO, "f(1) = 1 - 1 - log 1 = 0"),
        Step("f-positive-below-one", f, ZERO, "f > 0 on 0 < t < 1", on, ">", domain=(t, BELOW_ONE)),
        Step("f-positive-above-one", f, ZERO, "f > 0 on t > 1", on, ">", domain=(t, ABOVE_ONE)),
    )  # fmt: skip


def _kl_steps() -> tuple[Step, ...]:
    q, p = normal_pdf(z, mu, sigma), standard_normal_pdf(z)
    line = (z, -sp.oo, sp.oo)
    as_expected_f = sp.Integral(q * gibbs_f(p / q), line) - sp.Integral(p - q, line)
    discrete = q1 * sp.log(q1 / p1) + q2 * sp.log(q2 / p2)
    discrete_f = q1 * gibbs_f(p1 / q1) + q2 * gibbs_f(p2 / q2) + (q1 + q2) - (p1 + p2)
    probabilities = tuple(sp.Q.positive(a) for a in (q1, q2, p1, p2))
    kl, at_unit_variance, mean_real = standard_kl(mu, sigma), standard_kl(mu, 1), GAUSSIAN[:1]
    return (
        Step("kl-as-expected-f", kl_integral(q, p, z), as_expected_f,
             "q log(q/p) = q f(p/q) - (p - q) pointwise; q = N(μ, σ²), p = N(0, 1)", GAUSSIAN,
             tactics=("merge_integrals",)),
        Step("unit-masses-cancel", sp.Integral(p - q, line), ZERO, "∫ p = ∫ q = 1, so KL = E_q[f(p/q)]"),
        Step("discrete-two-outcomes", discrete, discrete_f,
             "the bracket is 0 when q and p each sum to 1: KL = Σ q_i f(p_i/q_i) >= 0, 0 iff p = q",
             probabilities, tactics=("expand_log",)),
        Step("gaussian-kl-via-f", kl, mu**2 / 2 + gibbs_f(sigma**2) / 2, "KL = μ²/2 + f(σ²)/2", GAUSSIAN,
             tactics=("expand",)),
        Step("gaussian-kl-nonnegative", kl, ZERO, "over σ > 0 the KL ranges over [μ²/2, oo), and μ²/2 >= 0",
             GAUSSIAN, ">=", domain=(sigma, POSITIVE)),
        Step("gaussian-kl-zero-at-prior", sp.Subs(kl, (mu, sigma), (0, 1)), ZERO, "KL = 0 at μ = 0, σ = 1"),
        Step("positive-below-unit-variance", kl, mu**2 / 2, "σ < 1: f(σ²) > 0, so KL > μ²/2", GAUSSIAN, ">",
             domain=(sigma, BELOW_ONE)),
        Step("positive-above-unit-variance", kl, mu**2 / 2, "σ > 1: f(σ²) > 0, so KL > μ²/2", GAUSSIAN, ">",
             domain=(sigma, ABOVE_ONE)),
        Step("positive-at-positive-mean", at_unit_variance, ZERO, "σ = 1, μ > 0: μ²/2 > 0", mean_real, ">",
             domain=(mu, POSITIVE)),
        Step("positive-at-negative-mean", at_unit_variance, ZERO, "σ = 1, μ < 0: μ²/2 > 0", mean_real, ">",
             domain=(mu, NEGATIVE)),
    )  # fmt: skip


def _sign_steps() -> tuple[Step, ...]:
    """D = 2 sums of Kingma & Welling's bracket 1 + log σ² - μ² - σ² against the proved +KL."""
    bracket = sum(1 + sp.log(sd**2) - mean**2 - sd**2 for mean, sd in ((mu1, sigma1), (mu2, sigma2)))
    kl = standard_kl(mu1, sigma1) + standard_kl(mu2, sigma2)
    return (
        Step("minus-half-bracket-is-kl", -bracket / 2, kl, "-1/2 Σ(1 + log σ² - μ² - σ²) is +KL",
             tactics=("expand",)),
        Step("half-bracket-is-minus-kl", bracket / 2, -kl, "+1/2 Σ(1 + log σ² - μ² - σ²) is -KL, the paper's",
             tactics=("expand",)),
        Step("half-bracket-called-kl", bracket / 2, kl, "the comment's +1/2 Σ(...) read as +KL", holds=False),
    )  # fmt: skip


def claims() -> tuple[Claim, ...]:
    q, p = normal_pdf(z, mu, sigma), standard_normal_pdf(z)
    reverse = from_integral(p, q, general_kl(0, 1, mu, sigma), z, GAUSSIAN)
    swapped = Step("reverse-is-forward", reverse[0].rhs, standard_kl(mu, sigma),
                   "KL(p || q) taken for KL(q || p)", GAUSSIAN, holds=False)  # fmt: skip
    log_sigma_variant = (sigma**2 + mu**2 - 1 - sp.log(sigma)) / 2
    log_sigma = Step("log-sigma-for-log-variance", kl_integral(q, p, z), log_sigma_variant,
                     "the definition against the variant with log σ for log σ²", holds=False)  # fmt: skip
    return (
        Claim(
            id="gibbs-inequality",
            title="Gibbs' inequality: KL(q || p) >= 0, zero only at q = p (general, discrete, Gaussian)",
            statement=r"D_{KL}(q \| p) = \mathbb{E}_q[f(p/q)] \ge 0,\ f(t) = t - 1 - \log t;\ "
            r"D_{KL}(\mathcal{N}(\mu, \sigma^2) \| \mathcal{N}(0, 1)) = 0 \iff (\mu, \sigma) = (0, 1)",
            lecture_times=("11:00",),
            steps=(*_f_steps(), *_kl_steps()),
            references=(COVER_THOMAS, BISHOP, KINGMA_WELLING),
            impl=("impl.gaussian_kl",),
        ),
        Claim(
            id="kl-direction-swapped",
            title="Refuted: KL(p || q) = KL(q || p) (the divergence is not symmetric)",
            statement=r"D_{KL}(\mathcal{N}(0, 1) \| \mathcal{N}(\mu, \sigma^2))"
            r" \ne D_{KL}(\mathcal{N}(\mu, \sigma^2) \| \mathcal{N}(0, 1))",
            lecture_times=("11:00",),
            steps=(*reverse, swapped),
            references=(BISHOP, COVER_THOMAS),
        ),
        Claim(
            id="kl-log-sigma-variant",
            title="Refuted: the Gaussian KL with log σ in place of log σ²",
            statement=r"D_{KL}(\mathcal{N}(\mu, \sigma^2) \| \mathcal{N}(0, 1))"
            r" \ne \tfrac12 (\sigma^2 + \mu^2 - 1 - \log \sigma)",
            lecture_times=(),
            steps=(log_sigma,),
            references=(KINGMA_WELLING,),
        ),
        Claim(
            id="kl-sign-flipped",
            title="Refuted: 1/2 Σ(1 + log σ² - μ² - σ²) is the KL (it is -KL; the loss adds +KL)",
            statement=r"\tfrac12 \sum_j (1 + \log \sigma_j^2 - \mu_j^2 - \sigma_j^2) = -D_{KL} \ne D_{KL}",
            lecture_times=("12:23",),
            steps=_sign_steps(),
            references=(KINGMA_WELLING, PYTORCH_EXAMPLES),
        ),
    )
