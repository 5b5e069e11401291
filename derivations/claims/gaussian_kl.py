"""KL divergences between Gaussians, each re-derived from its definition KL(q || p) = ∫ q log(q / p) dz.

Sign and units: every expression here is the positive divergence +KL in nats (natural log), for one latent
dimension unless a sum is written. Kingma & Welling (2013), Appendix B, print its negative, -KL.
"""

from __future__ import annotations

import sympy as sp

from derivations import symbols as sym
from derivations.core import Claim, Step
from derivations.claims.moments import gaussian_expectation, normal_pdf, standard_normal_pdf
from derivations.symbols import m, m2, mu, mu1, mu2, s, s2, sigma, sigma1, sigma2, z, z1, z2

KINGMA_WELLING = "Kingma & Welling (2013), Auto-Encoding Variational Bayes, Appendix B (printed as -KL)"
BISHOP = "Bishop (2006), Pattern Recognition and Machine Learning, eqs. (1.113) (KL), (2.43) (Gaussian)"
DUCHI = "Duchi, Derivations for Linear Algebra and Optimization (Stanford notes): KL of multivariate normals"
REAL_LINE = (-sp.oo, sp.oo)


def as_expr(name: str, value: object) -> sp.Expr:
    """``value`` as a SymPy expression (an int is accepted); TypeError naming ``name`` for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return sp.Integer(value)
    if not isinstance(value, sp.Expr):
        kind = type(value).__name__
        raise TypeError(f"{name} must be a SymPy expression or an int (lambdify the result), got {kind}")
    return value


def as_scale(name: str, value: object) -> sp.Expr:
    """``as_expr`` for a standard deviation; ValueError if it is known not to be positive."""
    expr = as_expr(name, value)
    if expr.is_positive is False:
        raise ValueError(f"{name} must be a positive standard deviation, got {expr}")
    return expr


def standard_kl(mu: object, sigma: object) -> sp.Expr:
    """KL(N(mu, sigma^2) || N(0, 1)) = (sigma^2 + mu^2 - 1 - log sigma^2) / 2: +KL in nats, one dimension.

    Kingma & Welling (2013), Appendix B; the diagonal D-dimensional KL is the sum of this over dimensions.
    """
    mean, var = as_expr("mu", mu), as_scale("sigma", sigma) ** 2
    return (var + mean**2 - 1 - sp.log(var)) / 2


def general_kl(m1: object, s1: object, m2: object, s2: object) -> sp.Expr:
    """KL(N(m1, s1^2) || N(m2, s2^2)) = (r + t1 - 1 - log r) / 2: +KL in nats, one dimension.

    r = (s1/s2)^2 is the variance ratio, t1 = ((m1 - m2)/s2)^2 the scaled squared mean gap (Bishop, ex. 1.30;
    written as torch's and Pyro's Normal-Normal KL).
    """
    mean1, std1, mean2, std2 = as_expr("m1", m1), as_scale("s1", s1), as_expr("m2", m2), as_scale("s2", s2)
    var_ratio = (std1 / std2) ** 2
    t1 = ((mean1 - mean2) / std2) ** 2
    return (var_ratio + t1 - 1 - sp.log(var_ratio)) / 2


def mvn_log_density(x: sp.Matrix, mean: sp.Matrix, cov: sp.Matrix) -> sp.Expr:
    """log N(x; mean, cov) in nats: -k/2 log 2π - 1/2 log det cov - 1/2 r^T cov^-1 r, r = x - mean.

    Bishop (2006), eq. (2.43); ``x`` and ``mean`` are (k, 1) matrices, ``cov`` is (k, k).
    """
    r = x - mean
    log_norm = sp.Rational(cov.shape[0], 2) * sp.log(2 * sp.pi) + sp.log(cov.det()) / 2
    return -log_norm - (r.T * cov.inv() * r)[0] / 2


def multivariate_kl(m1: sp.Matrix, cov1: sp.Matrix, m2: sp.Matrix, cov2: sp.Matrix) -> sp.Expr:
    """KL(N(m1, S1) || N(m2, S2)) = [tr(S2^-1 S1) + d^T S2^-1 d - k + log(det S2 / det S1)] / 2, d = m2 - m1.

    +KL in nats (Duchi's notes). Means are (k, 1) matrices, covariances (k, k); ValueError otherwise.
    """
    k = cov1.shape[0]
    if cov1.shape != (k, k) or cov2.shape != (k, k) or m1.shape != (k, 1) or m2.shape != (k, 1):
        shapes = f"{m1.shape}, {cov1.shape}, {m2.shape}, {cov2.shape}"
        raise ValueError(f"m1, cov1, m2, cov2 must be (k, 1), (k, k), (k, 1), (k, k); got {shapes}")
    prec2, d = cov2.inv(), m2 - m1
    trace_term = (prec2 * cov1).trace()
    quad_term = (d.T * prec2 * d)[0]
    return (trace_term + quad_term - k + sp.log(cov2.det() / cov1.det())) / 2


def kl_integral(q: sp.Expr, p: sp.Expr, *variables: sp.Symbol) -> sp.Integral:
    """The definition ∫ q log(q / p) over all of ``variables`` (Bishop eq. 1.113), unevaluated; nats."""
    return sp.Integral(q * sp.log(q / p), *((var, *REAL_LINE) for var in variables))


def log_ratio(q: sp.Expr, p: sp.Expr) -> sp.Expr:
    """log q - log p with the logs of products and exponentials expanded (valid: densities are positive)."""
    return sp.expand(sp.expand_log(sp.log(q) - sp.log(p)))


def from_integral(
    q: sp.Expr, p: sp.Expr, closed_form: sp.Expr, var: sp.Symbol, assumptions: tuple[sp.Basic, ...]
) -> tuple[Step, Step]:
    """Two steps in one variable: the definition = ∫ q (expanded log-ratio) = ``closed_form``."""
    expanded = sp.Integral(q * log_ratio(q, p), (var, *REAL_LINE))
    return (
        Step("expand-log-ratio", kl_integral(q, p, var), expanded,
             "log(q/p) = log q - log p, expanded: the integrands agree", tactics=("merge_integrals",)),
        Step("integrate", expanded, closed_form,
             "Gaussian integrals: ∫ q = 1, ∫ z q = mean, ∫ z² q = mean² + variance", assumptions),
    )  # fmt: skip


def _standard_steps() -> tuple[Step, ...]:
    q, p = normal_pdf(z, mu, sigma), standard_normal_pdf(z)
    one_d = from_integral(q, p, standard_kl(mu, sigma), z, (sp.Q.real(mu), sp.Q.positive(sigma)))
    q1, q2 = normal_pdf(z1, mu1, sigma1), normal_pdf(z2, mu2, sigma2)
    p1, p2 = standard_normal_pdf(z1), standard_normal_pdf(z2)
    split = sp.Integral(q1 * q2 * (log_ratio(q1, p1) + log_ratio(q2, p2)), (z1, *REAL_LINE), (z2, *REAL_LINE))
    two_d = (
        Step("product-log-is-a-sum", kl_integral(q1 * q2, p1 * p2, z1, z2), split,
             "D = 2, diagonal: log(q1 q2 / p1 p2) = log(q1/p1) + log(q2/p2)", tactics=("merge_integrals",)),
        Step("sum-over-dimensions", split, standard_kl(mu1, sigma1) + standard_kl(mu2, sigma2),
             "each term integrates against the other marginal's unit mass: a 1-D KL per dimension",
             (sp.Q.positive(sigma1), sp.Q.positive(sigma2), sp.Q.real(mu1), sp.Q.real(mu2)),
             tactics=("doit", "expand")),
    )  # fmt: skip
    return (*one_d, *two_d)


def _general_steps() -> tuple[Step, ...]:
    """Univariate from the integral; k = 2 with full covariances S = L L^T; the diagonal case."""
    scalars = (sp.Q.real(m), sp.Q.positive(s), sp.Q.real(m2), sp.Q.positive(s2))
    q, p = normal_pdf(z, m, s), normal_pdf(z, m2, s2)
    univariate = from_integral(q, p, general_kl(m, s, m2, s2), z, scalars)
    mean_a, chol_a = sp.Matrix([sym.ma1, sym.ma2]), sp.Matrix([[sym.la11, 0], [sym.la21, sym.la22]])
    mean_b, chol_b = sp.Matrix([sym.mb1, sym.mb2]), sp.Matrix([[sym.lb11, 0], [sym.lb21, sym.lb22]])
    u = sp.Matrix([sym.u1, sym.u2])
    cov_a, cov_b = chol_a * chol_a.T, chol_b * chol_b.T
    x = mean_a + chol_a * u  # x ~ N(m_a, S_a) when u ~ N(0, I)
    ratio = sp.expand(mvn_log_density(x, mean_a, cov_a) - mvn_log_density(x, mean_b, cov_b))
    expectation = gaussian_expectation(gaussian_expectation(ratio, sym.u1, 0, 1), sym.u2, 0, 1)
    det_chol_a = chol_a[0, 0] * chol_a[1, 1]
    diag = {chol_a[1, 0]: 0, chol_b[1, 0]: 0}
    per_dim = sum(general_kl(mean_a[i], chol_a[i, i], mean_b[i], chol_b[i, i]) for i in range(2))
    elementwise = mean_a + sp.Matrix([chol_a[0, 0] * u[0], chol_a[1, 1] * u[1]])
    gap = mean_a + chol_a.xreplace(diag) * u - elementwise  # x - (m + diag(L) ⊙ u) for a diagonal L
    one_dim = [sp.Matrix([m]), sp.Matrix([[s**2]]), sp.Matrix([m2]), sp.Matrix([[s2**2]])]
    steps = (
        Step("standard-prior", general_kl(mu, sigma, 0, 1), standard_kl(mu, sigma),
             "m_2 = 0, s_2 = 1 gives the KL to the VAE prior N(0, 1)"),
        Step("standardise", mvn_log_density(x, mean_a, cov_a), -sp.log(2 * sp.pi * det_chol_a) - u.dot(u) / 2,
             "x = m_a + L_a u: the quadratic form is |u|², log det S_a = 2 log(l_a11 l_a22)",
             (sp.Q.positive(chol_a[0, 0]), sp.Q.positive(chol_a[1, 1])), tactics=("simplify",)),
        Step("full-covariance", expectation, multivariate_kl(mean_a, cov_a, mean_b, cov_b),
             "E over u ~ N(0, I) of the log-ratio, by the proved moment table (gaussian-moments)",
             tactics=("simplify",)),
        Step("one-dimension", multivariate_kl(*one_dim), general_kl(m, s, m2, s2),
             "k = 1: the trace formula is the univariate KL integrated above"),
        Step("diagonal-is-a-sum", multivariate_kl(mean_a, cov_a.xreplace(diag), mean_b, cov_b.xreplace(diag)),
             per_dim, "diagonal S: trace, quadratic form, log det split per dimension", tactics=("expand",)),
        Step("diagonal-sample-is-elementwise", gap.dot(gap), sp.Integer(0),
             "diagonal L: x_j = m_j + l_jj u_j, an elementwise reparameterisation", tactics=("expand",)),
    )  # fmt: skip
    return (*univariate, *steps)


def claims() -> tuple[Claim, ...]:
    return (
        Claim(
            id="gaussian-kl-standard",
            title="KL of a diagonal Gaussian to the N(0, I) prior, from the integral",
            statement=r"D_{KL}(\mathcal{N}(\mu, \mathrm{diag}\,\sigma^2) \| \mathcal{N}(0, I))"
            r" = \tfrac12 \sum_{j} (\sigma_j^2 + \mu_j^2 - 1 - \log \sigma_j^2)",
            lecture_times=("26:44",),
            steps=_standard_steps(),
            references=(KINGMA_WELLING, BISHOP),
            impl=("impl.gaussian_kl", "impl.reparameterize_kl"),
        ),
        Claim(
            id="gaussian-kl-general",
            title="KL between two Gaussians: 1-D from the integral, k-D trace formula, diagonal = a sum",
            statement=r"D_{KL}(\mathcal{N}(m_1, S_1) \| \mathcal{N}(m_2, S_2))"
            r" = \tfrac12 [\mathrm{tr}(S_2^{-1}S_1) + (m_2 - m_1)^T S_2^{-1} (m_2 - m_1) - k"
            r" + \log \tfrac{\det S_2}{\det S_1}]",
            lecture_times=("24:31",),
            steps=_general_steps(),
            references=(DUCHI, BISHOP, KINGMA_WELLING),
        ),
    )
