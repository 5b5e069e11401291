"""The reparameterisation z = mu + sigma eps, eps ~ N(0, 1): its distribution and its pathwise gradient.

Kingma & Welling (2013), §2.4, write a sample of q_phi(z|x) = N(mu, sigma^2) as a deterministic function of
phi and independent noise, so that gradients pass through the sample. Here: z has exactly the density
N(mu, sigma^2) (change of variables), in the log-variance form sigma = exp(v/2) too; a sample is not the mean
(the question at 17:41); and the pathwise derivatives of E_q[f(z)] in mu, sigma and v are exact for a
general polynomial f of degree 4 (Rezende et al. 2014, §3). Expectations of polynomials use the proved
moment helper ``derivations.claims.moments.gaussian_expectation``.
"""

from __future__ import annotations

import sympy as sp

from derivations.core import Claim, Step
from derivations.claims.moments import gaussian_expectation, normal_pdf, standard_normal_pdf
from derivations.symbols import c0, c1, c2, c3, c4, eps, mu, sigma, v, z

KW_TRICK = "Kingma & Welling (2013), Auto-Encoding Variational Bayes, §2.4 (the reparameterization trick), §3"
BISHOP_CHANGE = "Bishop (2006), PRML, §1.2.1, eq. (1.27): change of variables of a density"
BISHOP_MOMENTS = "Bishop (2006), PRML, §1.2.4, eq. (1.49)-(1.51): mean and variance of a Gaussian"
REZENDE = (
    "Rezende, Mohamed & Wierstra (2014), Stochastic Backpropagation, ICML, §3 (Gaussian backpropagation)"
)
IMPL = ("impl.reparameterize",)


def _pushforward(std: sp.Expr) -> sp.Expr:
    """The density of z = mu + std eps: p_eps((z - mu)/std) |d eps/dz| (Bishop eq. 1.27)."""
    eps_of_z = (z - mu) / std
    return standard_normal_pdf(eps).subs(eps, eps_of_z) * sp.Abs(sp.diff(eps_of_z, z))


def _by_moments(expr: sp.Expr) -> sp.Expr:
    """E_eps[expr] for expr polynomial in eps, by linearity: sum_k c_k E[eps^k] with each moment an
    unevaluated integral that the checker evaluates (as ``gaussian-moments`` does): no step holds by
    construction."""
    poly = sp.Poly(sp.expand(expr), eps)
    moments = {
        k: sp.Integral(eps**k * standard_normal_pdf(eps), (eps, -sp.oo, sp.oo)) for (k,) in poly.monoms()
    }
    return sp.Add(*[c * moments[k] for (k,), c in poly.terms()])


def _distribution() -> Claim:
    sample = mu + sigma * eps
    sigma_v = sp.exp(v / 2)  # the log-variance form: v = log sigma^2
    normal_v = sp.exp(-((z - mu) ** 2) / (2 * sp.exp(v))) / sp.sqrt(2 * sp.pi * sp.exp(v))
    mean_int = sp.Integral(z * normal_pdf(z, mu, sigma), (z, -sp.oo, sp.oo))
    var_int = sp.Integral((z - mu) ** 2 * normal_pdf(z, mu, sigma), (z, -sp.oo, sp.oo))
    steps = (
        Step("change-of-variables", _pushforward(sigma), normal_pdf(z, mu, sigma),
             "p_z(z) = p_eps((z - mu)/sigma) |d eps/dz| with |d eps/dz| = 1/sigma"),
        Step("mean-by-moments", _by_moments(sample), mu, "E[mu + sigma eps] = mu E[1] + sigma E[eps] = mu"),
        Step("variance-by-moments", _by_moments((sample - mu) ** 2), sigma**2,
             "E[(sigma eps)²] = sigma² E[eps²]"),
        Step("mean-by-integral", mean_int, mu, "∫ z N(z; mu, sigma²) dz = mu (Bishop eq. 1.49)"),
        Step("variance-by-integral", var_int, sigma**2, "∫ (z - mu)² N(z; mu, sigma²) dz = sigma²"),
        Step("logvar-std", sp.log(sigma_v**2), v, "sigma = exp(v/2) gives log sigma² = v for every real v"),
        Step("logvar-change-of-variables", _pushforward(sigma_v), normal_v,
             "z = mu + exp(v/2) eps has density N(mu, e^v)"),
    )  # fmt: skip
    return Claim(
        id="reparameterisation-distribution",
        title="z = mu + sigma eps with eps ~ N(0, 1) has density N(mu, sigma²), also for sigma = exp(v/2)",
        statement=r"z = \mu + \sigma\epsilon,\ \epsilon \sim \mathcal{N}(0, 1)"
        r" \Rightarrow z \sim \mathcal{N}(\mu, \sigma^2)",
        lecture_times=("17:41",),
        steps=steps,
        references=(KW_TRICK, BISHOP_CHANGE, BISHOP_MOMENTS),
        impl=IMPL,
    )


def _sample_is_mean() -> Claim:
    spread = _by_moments((mu + sigma * eps - mu) ** 2)
    return Claim(
        id="reparameterisation-sample-is-mean",
        title="Refuted: a sample z = mu + sigma eps of q(z|x) is its mean mu",
        statement=r"\mu + \sigma\epsilon = \mu",
        lecture_times=("17:41",),
        steps=(
            Step("samples-spread", spread, sp.Integer(0), "E[(z - mu)²] = sigma² > 0", relation=">"),
            Step("sample-equals-mean", mu + sigma * eps, mu, "z = mu for every eps", holds=False),
        ),
        references=(KW_TRICK,),
        impl=IMPL,
    )


def _gradient() -> Claim:
    f = c0 + c1 * z + c2 * z**2 + c3 * z**3 + c4 * z**4  # a general polynomial of degree 4
    f_prime = sp.diff(f, z)
    sigma_v = sp.exp(v / 2)

    def pathwise(weight: sp.Expr, std: sp.Expr) -> sp.Expr:
        """E_eps[f'(mu + std eps) weight]: the expected pathwise derivative (dz/dparameter = weight)."""
        return gaussian_expectation(f_prime.subs(z, mu + std * eps) * weight, eps, 0, 1)

    objective = gaussian_expectation(f, z, mu, sigma)
    objective_v = gaussian_expectation(f, z, mu, sigma_v)
    by_integral = sp.Integral(f * normal_pdf(z, mu, sigma), (z, -sp.oo, sp.oo))
    steps = (
        Step("expectation-by-integral", by_integral, objective,
             "∫ f(z) N(z; mu, sigma²) dz = E_eps[f(mu + sigma eps)] for the degree-4 f"),
        Step("mu-gradient", sp.Derivative(objective, mu), pathwise(sp.Integer(1), sigma),
             "d/dmu E_q[f(z)] = E_eps[f'(z)], since dz/dmu = 1"),
        Step("sigma-gradient", sp.Derivative(objective, sigma), pathwise(eps, sigma),
             "d/dsigma E_q[f(z)] = E_eps[f'(z) eps], since dz/dsigma = eps"),
        Step("logvar-gradient", sp.Derivative(objective_v, v), pathwise(eps * sigma_v / 2, sigma_v),
             "d/dv E_q[f(z)] = E_eps[f'(z) eps exp(v/2)/2], since dz/dv = eps exp(v/2)/2"),
    )  # fmt: skip
    return Claim(
        id="reparameterisation-gradient",
        title="Gradients of E_q[f(z)] in mu, sigma and v = log sigma² are expected pathwise derivatives",
        statement=(
            r"\partial_\mu \mathbb{E}_{q}[f(z)] = \mathbb{E}_\epsilon[f'(\mu + \sigma\epsilon)],\ "
            r"\partial_\sigma \mathbb{E}_{q}[f(z)] = \mathbb{E}_\epsilon[f'(\mu + \sigma\epsilon)\,\epsilon]"
        ),
        lecture_times=(),
        steps=steps,
        references=(KW_TRICK, REZENDE),
        impl=IMPL,
    )


def claims() -> tuple[Claim, ...]:
    return (_distribution(), _sample_is_mean(), _gradient())
