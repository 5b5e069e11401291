"""KL between two Gaussians: univariate from the integral; the k-dimensional trace formula for k = 1, 2.

KL(N(m_1, S_1) || N(m_2, S_2)) = [tr(S_2^-1 S_1) + d^T S_2^-1 d - k + log(det S_2 / det S_1)] / 2 with
d = m_2 - m_1 (Duchi's notes; +KL in nats). Proved here: the univariate closed form for all parameters
from its integral; the trace formula for full covariances S = L L^T with k = 1 and k = 2 (x = m_a + L_a u,
E over u by the moment table); and, for every k, that with diagonal covariances it is the sum of the
per-dimension KLs. The full-covariance formula for every k is not proved: an expectation over R^k with k
a symbol is beyond what the kernel can state (SymPy has no integral over a symbolic number of variables).
"""

from __future__ import annotations

import sympy as sp

from derivations import symbols as sym
from derivations.claims.gaussian_kl import (
    BISHOP,
    KINGMA_WELLING,
    _general_kl,
    _multivariate_kl,
    _standard_kl,
    from_integral,
    kl_integral,
    mvn_log_density,
)
from derivations.claims.moments import gaussian_expectation, normal_pdf
from derivations.core import Claim, Conclusion, Step
from derivations.symbols import j, k, m, m1_j, m2, m2_j, mu, s, s1_j, s2, s2_j, sigma, z

DUCHI = "Duchi, Derivations for Linear Algebra and Optimization (Stanford notes): KL of multivariate normals"


def _diagonal_every_k() -> Step:
    """S_i = diag(s_ij^2): tr = Σ s_1j²/s_2j², d^T S_2^-1 d = Σ d_j²/s_2j², det = Π, for every k."""
    total = lambda e: sp.Sum(e, (j, 1, k))  # noqa: E731
    trace = total(s1_j[j] ** 2 / s2_j[j] ** 2)
    quadratic = total((m2_j[j] - m1_j[j]) ** 2 / s2_j[j] ** 2)
    log_det_ratio = sp.log(sp.Product(s2_j[j] ** 2, (j, 1, k)) / sp.Product(s1_j[j] ** 2, (j, 1, k)))
    formula = (trace + quadratic - k + log_det_ratio) / 2
    per_dim = total(_general_kl(m1_j[j], s1_j[j], m2_j[j], s2_j[j]))
    return Step("diagonal-every-k", formula, per_dim,
                "log of a product is the sum of the logs; the sums over j combine term by term",
                tactics=("expand_log", "expand", "simplify"))  # fmt: skip


def _general_steps() -> tuple[tuple[Conclusion, ...], tuple[Step, ...]]:
    """Univariate from the integral; the VAE prior; k = 1 and k = 2 (full covariances S = L L^T); diagonal."""
    q, p = normal_pdf(z, m, s), normal_pdf(z, m2, s2)
    univariate = from_integral(q, p, _general_kl(m, s, m2, s2), z)
    mean_a, chol_a = sp.Matrix([sym.ma1, sym.ma2]), sp.Matrix([[sym.la11, 0], [sym.la21, sym.la22]])
    mean_b, chol_b = sp.Matrix([sym.mb1, sym.mb2]), sp.Matrix([[sym.lb11, 0], [sym.lb21, sym.lb22]])
    u = sp.Matrix([sym.u1, sym.u2])
    cov_a, cov_b = chol_a * chol_a.T, chol_b * chol_b.T
    x = mean_a + chol_a * u  # x ~ N(m_a, S_a) when u ~ N(0, I)
    ratio = sp.expand(mvn_log_density(x, mean_a, cov_a) - mvn_log_density(x, mean_b, cov_b))
    expectation = gaussian_expectation(gaussian_expectation(ratio, sym.u1, 0, 1), sym.u2, 0, 1)
    standard_form = -sp.log(2 * sp.pi * chol_a[0, 0] * chol_a[1, 1]) - u.dot(u) / 2
    diag = {chol_a[1, 0]: 0, chol_b[1, 0]: 0}
    per_dim = sum(_general_kl(mean_a[i], chol_a[i, i], mean_b[i], chol_b[i, i]) for i in range(2))
    one_dim = (sp.Matrix([m]), sp.Matrix([[s**2]]), sp.Matrix([m2]), sp.Matrix([[s2**2]]))
    prior = sp.Subs(_general_kl(mu, sigma, m2, s2), (m2, s2), (0, 1))
    full = _multivariate_kl(mean_a, cov_a, mean_b, cov_b)
    diagonal = _multivariate_kl(mean_a, cov_a.xreplace(diag), mean_b, cov_b.xreplace(diag))
    elementwise = mean_a[1] + chol_a[1, 1] * u[1]
    steps = (
        *univariate,
        Step("standard-prior", prior, _standard_kl(mu, sigma), "m_2 = 0, s_2 = 1: the KL to N(0, 1)"),
        Step("standardise", mvn_log_density(x, mean_a, cov_a), standard_form,
             "x = m_a + L_a u: the quadratic form is |u|², log det S_a = 2 log(l_a11 l_a22)",
             tactics=("simplify",)),
        Step("full-covariance", expectation, full,
             "E over u ~ N(0, I) of the log-ratio, by the moment table (gaussian-moments)",
             tactics=("simplify",)),
        Step("one-dimension", _multivariate_kl(*one_dim), _general_kl(m, s, m2, s2),
             "k = 1: the trace formula is the univariate KL integrated above"),
        Step("diagonal-is-a-sum", diagonal, per_dim,
             "diagonal S: trace, quadratic form, log det split per dimension", tactics=("expand",)),
        Step("diagonal-sample-is-elementwise", sp.Subs(x[1], chol_a[1, 0], 0), elementwise,
             "diagonal L: x_2 = m_2 + l_22 u_2, elementwise (x_1 = m_1 + l_11 u_1 always)"),
        _diagonal_every_k(),
    )  # fmt: skip
    names = {
        "integrate": "univariate, from the integral",
        "standard-prior": "to the prior N(0, 1)",
        "standardise": "x = m + L u",
        "full-covariance": "k = 2, full covariances: E_u of the log-ratio",
        "one-dimension": "k = 1",
        "diagonal-is-a-sum": "k = 2, diagonal: a sum",
        "diagonal-sample-is-elementwise": "diagonal L: elementwise",
        "diagonal-every-k": "every k, diagonal: the sum of per-dimension KLs",
    }
    chains = {"integrate": ("expand-log-ratio", "integrate")}
    conclusions = tuple(
        Conclusion(st.lhs if st.name != "integrate" else kl_integral(q, p, z), st.rhs,
                   chain=chains.get(st.name, (st.name,)), name=title)
        for st in steps for title in (names.get(st.name),) if title
    )  # fmt: skip
    return conclusions, steps


def claims() -> tuple[Claim, ...]:
    conclusions, steps = _general_steps()
    return (
        Claim(
            id="gaussian-kl-general",
            title="KL between two Gaussians: 1-D for all parameters; trace formula for k = 1, 2 only "
            "(diagonal: every k)",
            conclusions=conclusions,
            steps=steps,
            uses=("gaussian-moments",),
            special_case="the full-covariance trace formula is proved for k = 1 and k = 2 only; its diagonal "
            "case, the sum of per-dimension KLs, for every k",
            lecture_times=("24:31",),
            references=(DUCHI, BISHOP, KINGMA_WELLING),
        ),
    )
