"""KL divergences between Gaussians, each re-derived from its definition KL(q || p) = ∫ q log(q / p) dz.

Sign and units: every expression here is the positive divergence +KL in nats (natural log), for one latent
dimension unless a sum is written. Kingma & Welling (2013), Appendix B, print its negative, -KL.
The D-dimensional diagonal KL to N(0, I) is proved for every D by induction on D. KL(D) is an undefined
function of D standing for KL(N(μ_{1:D}, diag σ²_{1:D}) || N(0, I_D)); its two displayed hypotheses are
KL(1) = the one-coordinate integral, and KL(D + 1) = KL(D) + the integral of coordinate D + 1: the rule
of ``kl-independent-blocks`` with block a = coordinates 1..D, block b = coordinate D + 1. That claim proves
the rule for abstract densities with one variable per block; its steps (pointwise log split, linearity,
normalisation) do not depend on a block's dimension, but the kernel can neither integrate over D variables
nor instantiate another claim's functions, so this instance is a displayed hypothesis, not derived. Every
integral and the induction itself are checked."""

from __future__ import annotations

import sympy as sp

from derivations.claims.moments import normal_pdf, standard_normal_pdf
from derivations.core import Claim, Conclusion, Hypothesis, Step, rests_on
from derivations.symbols import KL_D, D, j, mu, mu_j, sigma, sigma_j, z

KINGMA_WELLING = "Kingma & Welling (2013), Auto-Encoding Variational Bayes, Appendix B (printed as -KL)"
BISHOP = "Bishop (2006), Pattern Recognition and Machine Learning, eqs. (1.113) (KL), (2.43) (Gaussian)"
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


def _standard_kl(mu: object, sigma: object) -> sp.Expr:
    mean, var = as_expr("mu", mu), as_scale("sigma", sigma) ** 2
    return (var + mean**2 - 1 - sp.log(var)) / 2


def _general_kl(m1: object, s1: object, m2: object, s2: object) -> sp.Expr:
    mean1, std1, mean2, std2 = as_expr("m1", m1), as_scale("s1", s1), as_expr("m2", m2), as_scale("s2", s2)
    var_ratio = (std1 / std2) ** 2
    t1 = ((mean1 - mean2) / std2) ** 2
    return (var_ratio + t1 - 1 - sp.log(var_ratio)) / 2


@rests_on("gaussian-kl-standard")
def standard_kl(mu: object, sigma: object) -> sp.Expr:
    """KL(N(mu, sigma^2) || N(0, 1)) = (sigma^2 + mu^2 - 1 - log sigma^2) / 2: +KL in nats, one dimension.

    Kingma & Welling (2013), Appendix B; the diagonal D-dimensional KL is the sum of this over dimensions.
    """
    return _standard_kl(mu, sigma)


@rests_on("gaussian-kl-general")
def general_kl(m1: object, s1: object, m2: object, s2: object) -> sp.Expr:
    """KL(N(m1, s1^2) || N(m2, s2^2)) = (r + t1 - 1 - log r) / 2: +KL in nats, one dimension.

    r = (s1/s2)^2 is the variance ratio, t1 = ((m1 - m2)/s2)^2 the scaled squared mean gap (Bishop, ex. 1.30;
    written as torch's and Pyro's Normal-Normal KL).
    """
    return _general_kl(m1, s1, m2, s2)


def mvn_log_density(x: sp.Matrix, mean: sp.Matrix, cov: sp.Matrix) -> sp.Expr:
    """log N(x; mean, cov) in nats: -k/2 log 2π - 1/2 log det cov - 1/2 r^T cov^-1 r, r = x - mean.

    Bishop (2006), eq. (2.43) (a definition); ``x`` and ``mean`` are (k, 1) matrices, ``cov`` is (k, k).
    """
    r = x - mean
    log_norm = sp.Rational(cov.shape[0], 2) * sp.log(2 * sp.pi) + sp.log(cov.det()) / 2
    return -log_norm - (r.T * cov.inv() * r)[0] / 2


def _multivariate_kl(m1: sp.Matrix, cov1: sp.Matrix, m2: sp.Matrix, cov2: sp.Matrix) -> sp.Expr:
    k = cov1.shape[0]
    if cov1.shape != (k, k) or cov2.shape != (k, k) or m1.shape != (k, 1) or m2.shape != (k, 1):
        shapes = f"{m1.shape}, {cov1.shape}, {m2.shape}, {cov2.shape}"
        raise ValueError(f"m1, cov1, m2, cov2 must be (k, 1), (k, k), (k, 1), (k, k); got {shapes}")
    prec2, d = cov2.inv(), m2 - m1
    trace_term = (prec2 * cov1).trace()
    quad_term = (d.T * prec2 * d)[0]
    return (trace_term + quad_term - k + sp.log(cov2.det() / cov1.det())) / 2


@rests_on("gaussian-kl-general")
def multivariate_kl(m1: sp.Matrix, cov1: sp.Matrix, m2: sp.Matrix, cov2: sp.Matrix) -> sp.Expr:
    """KL(N(m1, S1) || N(m2, S2)) = [tr(S2^-1 S1) + d^T S2^-1 d - k + log(det S2 / det S1)] / 2, d = m2 - m1.

    +KL in nats (Duchi's notes); proved by ``gaussian-kl-general`` for k = 1 and k = 2. Means are (k, 1)
    matrices, covariances (k, k); ValueError otherwise.
    """
    return _multivariate_kl(m1, cov1, m2, cov2)


def kl_integral(q: sp.Expr, p: sp.Expr, *variables: sp.Symbol) -> sp.Integral:
    """The definition ∫ q log(q / p) over all of ``variables`` (Bishop eq. 1.113), unevaluated; nats."""
    return sp.Integral(q * sp.log(q / p), *((var, *REAL_LINE) for var in variables))


def log_ratio(q: sp.Expr, p: sp.Expr) -> sp.Expr:
    """log q - log p with the logs of products and exponentials expanded (valid: densities are positive)."""
    return sp.expand(sp.expand_log(sp.log(q) - sp.log(p)))


def from_integral(
    q: sp.Expr, p: sp.Expr, closed_form: sp.Expr, var: sp.Symbol, prefix: str = ""
) -> tuple[Step, ...]:
    """The definition ∫ q log(q/p) = ∫ q (expanded log-ratio) = ``closed_form``: two chain steps
    (``prefix + "expand-log-ratio"``, ``prefix + "integrate"``) and the pointwise lemma the first uses."""
    integrand, expanded = q * sp.log(q / p), q * log_ratio(q, p)
    return (
        Step(prefix + "pointwise-log-ratio", integrand, expanded,
             "log(q/p) = log q - log p, expanded (q, p > 0)", tactics=("expand_log",), lemma=True),
        Step(prefix + "expand-log-ratio", kl_integral(q, p, var), sp.Integral(expanded, (var, *REAL_LINE)),
             "equal integrands give equal integrals", by="monotone", cites=(prefix + "pointwise-log-ratio",)),
        Step(prefix + "integrate", sp.Integral(expanded, (var, *REAL_LINE)), closed_form,
             "Gaussian integrals: ∫ q = 1, ∫ z q = mean, ∫ z² q = mean² + variance"),
    )  # fmt: skip


def _every_dimension() -> tuple[tuple[Hypothesis, ...], Conclusion, tuple[Step, ...]]:
    """KL(D) = Σ_{j ≤ D} k(μ_j, σ_j) by induction on D; the blocks rule and KL(1) are displayed hypotheses."""

    def coordinate(idx: sp.Expr) -> sp.Integral:  # KL of coordinate idx, from its definition
        return kl_integral(normal_pdf(z, mu_j[idx], sigma_j[idx]), standard_normal_pdf(z), z)

    def total(top: sp.Expr) -> sp.Sum:
        return sp.Sum(_standard_kl(mu_j[j], sigma_j[j]), (j, 1, top))

    hypotheses = (
        Hypothesis("one-coordinate", sp.Eq(KL_D(1), coordinate(1))),
        Hypothesis("independent-blocks", sp.Eq(KL_D(D + 1), KL_D(D) + coordinate(D + 1))),
    )
    induction = Hypothesis("P(D)", sp.Eq(KL_D(D), total(D)))
    steps = (
        Step("base", KL_D(1), total(1), "D = 1: the KL of one coordinate, integrated (μ_1 real, σ_1 > 0)",
             hypotheses=("one-coordinate",), lemma=True),
        Step("inductive", KL_D(D + 1), total(D + 1),
             "KL(D + 1) = KL(D) + KL of coordinate D + 1 (independent blocks), = Σ_{j ≤ D} by P(D), and the "
             "last coordinate's integral is the (D + 1)-th term", hypotheses=("independent-blocks",),
             assuming=(induction,), tactics=("hypotheses", "peel_sum", "doit", "simplify"), lemma=True),
        Step("every-dimension", KL_D(D), total(D), "induction on D: base D = 1, step D -> D + 1",
             by="induction", cites=("base", "inductive"), domain=(D, sp.Naturals)),
    )  # fmt: skip
    return hypotheses, Conclusion(KL_D(D), total(D), chain=("every-dimension",), name="every D"), steps


def claims() -> tuple[Claim, ...]:
    q, p = normal_pdf(z, mu, sigma), standard_normal_pdf(z)
    one_d = from_integral(q, p, _standard_kl(mu, sigma), z)
    hypotheses, every_d, induction_steps = _every_dimension()
    standard = Claim(
        id="gaussian-kl-standard",
        title="KL of a diagonal Gaussian to N(0, I) for every D, by induction over independent coordinates",
        conclusions=(
            Conclusion(
                kl_integral(q, p, z),
                _standard_kl(mu, sigma),
                chain=("expand-log-ratio", "integrate"),
                name="one dimension, from the integral",
            ),
            every_d,
        ),
        steps=(*one_d, *induction_steps),
        hypotheses=hypotheses,
        uses=("kl-independent-blocks",),
        lecture_times=("26:44",),
        references=(KINGMA_WELLING, BISHOP),
        impl=("impl.gaussian_kl", "impl.reparameterize_kl"),
    )
    return (standard,)
