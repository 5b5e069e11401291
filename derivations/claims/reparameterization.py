"""The reparameterisation z = mu + sigma eps, eps ~ N(0, 1): its distribution and its pathwise gradient.

Kingma & Welling (2013), §2.4, write a sample of q_phi(z|x) = N(mu, sigma^2) as a deterministic function of
phi and independent noise, so that gradients pass through the sample: E_q[f(z)] = E_eps[f(mu + sigma eps)].
Here: z has exactly the density N(mu, sigma^2) (change of variables, with the Jacobian left for the checker),
in the log-variance form sigma = exp(v/2) too; a sample is not the mean (the question at 17:41); and for every
differentiable f and every noise density p(eps) (N(0, 1) in the VAE) whose derivative may be taken under the
integral (a displayed hypothesis), the derivatives of E_eps[f(mu + sigma eps)] = E_q[f(z)] in mu, sigma and v
are the expected pathwise derivatives (Rezende et al. 2014, §3). The identity E_q[f(z)] = E_eps[f(mu +
sigma eps)] itself is a change of variables, which the kernel has no rule for: it is checked for a quartic f.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.moments import normal_pdf, standard_normal_pdf
from derivations.core import Claim, Conclusion, Hypothesis, Step
from derivations.symbols import c0, c1, c2, c3, c4, eps, mu, sigma, v, z

KW_TRICK = "Kingma & Welling (2013), Auto-Encoding Variational Bayes, §2.4 (the reparameterization trick), §3"
BISHOP_CHANGE = "Bishop (2006), PRML, §1.2.1, eq. (1.27): change of variables of a density"
BISHOP_MOMENTS = "Bishop (2006), PRML, §1.2.4, eq. (1.49)-(1.51): mean and variance of a Gaussian"
REZENDE = (
    "Rezende, Mohamed & Wierstra (2014), Stochastic Backpropagation, ICML, §3 (Gaussian backpropagation)"
)
IMPL = ("impl.reparameterize",)
REAL_LINE = (eps, -sp.oo, sp.oo)
#: An arbitrary function of the code z; its derivative f'(y) is written Subs(Derivative(f(z), z), z, y).
f = sp.Function("f")
#: The density of the noise: any, so the gradient claim covers every location-scale reparameterisation.
p_noise = sp.Function("p")


def _by_moments(expr: sp.Expr) -> sp.Expr:
    """E_eps[expr] for expr polynomial in eps, by linearity: sum_k c_k E[eps^k] with each moment an
    unevaluated integral that the checker evaluates (as ``gaussian-moments`` does): no step holds by
    construction."""
    poly = sp.Poly(sp.expand(expr), eps)
    moments = {k: sp.Integral(eps**k * standard_normal_pdf(eps), REAL_LINE) for (k,) in poly.monoms()}
    return sp.Add(*[c * moments[k] for (k,), c in poly.terms()])


def _distribution() -> Claim:
    normal_v = sp.exp(-((z - mu) ** 2) / (2 * sp.exp(v))) / sp.sqrt(2 * sp.pi * sp.exp(v))

    def jacobian(std: sp.Expr) -> sp.Expr:
        """p_eps(eps(z)) |d eps/dz| for eps(z) = (z - mu)/std, unevaluated: the checker does the calculus."""
        eps_of_z = (z - mu) / std
        return sp.Subs(standard_normal_pdf(eps), eps, eps_of_z) * sp.Abs(sp.Derivative(eps_of_z, z))

    mean_int = sp.Integral(z * normal_pdf(z, mu, sigma), (z, -sp.oo, sp.oo))
    var_int = sp.Integral((z - mu) ** 2 * normal_pdf(z, mu, sigma), (z, -sp.oo, sp.oo))
    logvar_std = sp.Subs(sp.log(sigma**2), sigma, sp.exp(v / 2))
    pairs = (
        ("change-of-variables", jacobian(sigma), normal_pdf(z, mu, sigma),
         "p_z(z) = p_eps((z - mu)/sigma) |d eps/dz| (Bishop eq. 1.27) with |d eps/dz| = 1/sigma"),
        ("logvar-change-of-variables", jacobian(sp.exp(v / 2)), normal_v,
         "z = mu + exp(v/2) eps has density N(mu, e^v), for every real v: |d eps/dz| = e^(-v/2)"),
        ("mean-by-moments", _by_moments(mu + sigma * eps), mu, "E[mu + sigma eps] = mu + sigma E[eps] = mu"),
        ("variance-by-moments", _by_moments((sigma * eps) ** 2), sigma**2, "E[(sigma eps)²] = sigma²"),
        ("mean-by-integral", mean_int, mu, "∫ z N(z; mu, sigma²) dz = mu (Bishop eq. 1.49)"),
        ("variance-by-integral", var_int, sigma**2, "∫ (z - mu)² N(z; mu, sigma²) dz = sigma²"),
        ("logvar-std", logvar_std, v, "sigma = exp(v/2) gives log sigma² = v for every real v"),
    )  # fmt: skip
    return Claim(
        id="reparameterisation-distribution",
        title="z = mu + sigma eps with eps ~ N(0, 1) has density N(mu, sigma²), also for sigma = exp(v/2)",
        conclusions=tuple(Conclusion(lhs, rhs, chain=(name,), name=name) for name, lhs, rhs, _ in pairs),
        steps=tuple(Step(name, lhs, rhs, rule) for name, lhs, rhs, rule in pairs),
        lecture_times=("17:41",),
        references=(KW_TRICK, BISHOP_CHANGE, BISHOP_MOMENTS),
        impl=IMPL,
    )


def _sample_is_mean() -> Claim:
    spread = _by_moments((mu + sigma * eps - mu) ** 2)
    return Claim(
        id="reparameterisation-sample-is-mean",
        title="Refuted: a sample z = mu + sigma eps of q(z|x) is its mean mu",
        conclusions=(
            Conclusion(spread, sp.Integer(0), ">", chain=("spread-is-variance", "variance-positive")),
            Conclusion(mu + sigma * eps, mu, holds=False, name="sample-equals-mean"),
        ),
        steps=(
            Step("spread-is-variance", spread, sigma**2, "E[(z - mu)²] = sigma² E[eps²] = sigma²"),
            Step("variance-positive", sigma**2, sp.Integer(0), "sigma > 0", relation=">"),
        ),
        lecture_times=("17:41",),
        references=(KW_TRICK,),
        impl=IMPL,
    )


def _f_prime(at: sp.Expr) -> sp.Expr:
    return sp.Derivative(f(z), z).subs(z, at)


def _gradient() -> Claim:
    sigma_v = sp.exp(v / 2)
    density = p_noise(eps)
    cases = (  # (name, parameter, std, dz/dparameter, rule)
        ("mu", mu, sigma, sp.Integer(1), "d/dmu E_eps[f(mu + sigma eps)] = E_eps[f'(z)]: dz/dmu = 1"),
        ("sigma", sigma, sigma, eps, "d/dsigma E_eps[f(mu + sigma eps)] = E_eps[f'(z) eps]: dz/dsigma = eps"),
        ("logvar", v, sigma_v, eps * sigma_v / 2, "d/dv E[f(z)] = E[f'(z) eps e^(v/2)/2]: dz/dv = that"),
    )  # fmt: skip
    hypotheses, steps, conclusions = [], [], []
    for name, param, std, dz, rule in cases:
        sample = mu + std * eps
        objective = sp.Integral(f(sample) * density, REAL_LINE)
        under = sp.Integral(sp.Derivative(f(sample) * density, param), REAL_LINE)
        pathwise = sp.Integral(_f_prime(sample) * dz * density, REAL_LINE)
        hypotheses.append(Hypothesis(f"leibniz-{name}", sp.Eq(sp.Derivative(objective, param), under)))
        gradient = sp.Derivative(objective, param)
        steps.append(Step(f"{name}-gradient", gradient, pathwise, rule, hypotheses=(f"leibniz-{name}",),
                          tactics=("hypotheses", "simplify")))  # fmt: skip
        conclusions.append(Conclusion(gradient, pathwise, chain=(f"{name}-gradient",), name=name))
    poly = c0 + c1 * z + c2 * z**2 + c3 * z**3 + c4 * z**4  # a worked instance: a general quartic
    z_form = sp.Integral(poly * normal_pdf(z, mu, sigma), (z, -sp.oo, sp.oo))
    eps_form = _by_moments(poly.subs(z, mu + sigma * eps))
    rule = (
        "for a quartic f, E_q[f(z)] = ∫ f(z) N(z; mu, sigma²) dz = E_eps[f(mu + sigma eps)], moment by moment"
    )
    steps.append(Step("z-form-degree-4", z_form, eps_form, rule))
    conclusions.append(Conclusion(z_form, eps_form, chain=("z-form-degree-4",), name="z-form-degree-4"))
    return Claim(
        id="reparameterisation-gradient",
        title="For every differentiable f and noise density p (derivative under the integral), the gradients"
        " of E_eps[f(mu + sigma eps)] in mu, sigma and v = log sigma² are expected pathwise derivatives;"
        " for a quartic f, E_eps[f(mu + sigma eps)] = E_q[f(z)]",
        conclusions=tuple(conclusions),
        steps=tuple(steps),
        hypotheses=tuple(hypotheses),
        references=(KW_TRICK, REZENDE),
        impl=IMPL,
    )


def claims() -> tuple[Claim, ...]:
    return (_distribution(), _sample_is_mean(), _gradient())
