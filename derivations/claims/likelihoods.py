"""Decoder likelihoods p_theta(x|z): the Gaussian one is scaled squared error, the Bernoulli one is BCE.

Kingma & Welling (2013), Appendix C, give both decoders. Each closed form is re-derived here from the density
it comes from: the isotropic Gaussian N(x; m, s^2 I_D) of Bishop (2006), eq. (2.43), for every dimension D
(with its determinant left to the checker), whose coordinates are independent N(x_j; m_j, s^2) (the sum of
their NLLs, for every D by induction on D; the explicit 3 x 3 matrices as a worked instance); and the pmf
p^x (1 - p)^(1 - x) of a Bernoulli with p = sigmoid(l), for targets x in [0, 1]. Three refuted claims show
what the variants of the exponent that viewers report at 14:47 would be: not densities at all.
Log-likelihoods are in nats (+, not negated unless named NLL/BCE), summed over coordinates.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.moments import normal_pdf
from derivations.core import Claim, Conclusion, Hypothesis, Step, TacticName, rests_on
from derivations.symbols import D, R, coord, l, l_minus, l_plus, m, m1, m2, m3, m_vec, s, x, x1, x2, x3, x_vec

KW_GAUSSIAN = "Kingma & Welling (2013), Auto-Encoding Variational Bayes, App. C.2 (Gaussian MLP decoder)"
KW_BERNOULLI = "Kingma & Welling (2013), Auto-Encoding Variational Bayes, App. C.1 (Bernoulli MLP decoder)"
BISHOP_NORMAL = "Bishop (2006), PRML, §1.2.4, eq. (1.46) and (1.48); §2.3, eq. (2.43)"
BISHOP_SQUARES = "Bishop (2006), PRML, §1.2.5, eq. (1.62): Gaussian log-likelihood as sum of squares"
TF_STABLE = "TensorFlow API, tf.nn.sigmoid_cross_entropy_with_logits: max(l, 0) - x l + log(1 + exp(-|l|))"
EL: tuple[TacticName, ...] = ("expand_log", "simplify")


def _expr(value: object, name: str) -> sp.Expr:
    if isinstance(value, bool) or not isinstance(value, int | float | sp.Expr):
        raise TypeError(f"{name} must be a SymPy expression or a real number, got {type(value).__name__}")
    if isinstance(value, sp.Expr):
        return value
    return sp.Integer(value) if isinstance(value, int) else sp.Float(value)


def _log_density(x: sp.Expr, m: sp.Expr, s: sp.Expr) -> sp.Expr:
    return -sp.log(2 * sp.pi * s**2) / 2 - (x - m) ** 2 / (2 * s**2)


@rests_on("gaussian-likelihood")
def gaussian_log_density(x: object, m: object, s: object) -> sp.Expr:
    """log N(x; m, s^2) for one coordinate, in nats: -log(2 pi s^2)/2 - (x - m)^2 / (2 s^2).

    Sign: the log-density (+), so the Gaussian NLL is its negative. No reduction: an isotropic N(m, s^2 I)
    is the sum of this over coordinates (claim ``gaussian-likelihood``, for every D). Raises TypeError
    unless each argument is a SymPy expression or a real number, ValueError if ``s`` is known not positive.
    """
    x_, m_, s_ = _expr(x, "x"), _expr(m, "m"), _expr(s, "s")
    if s_.is_positive is False:
        raise ValueError(f"s must be a positive standard deviation, got {s_}")
    return _log_density(x_, m_, s_)


def _bernoulli(x: sp.Expr, l: sp.Expr) -> sp.Expr:
    return x * l - sp.log(1 + sp.exp(l))


@rests_on("bernoulli-likelihood")
def bernoulli_log_likelihood(x: object, l: object) -> sp.Expr:
    """log Bernoulli(x; sigmoid(l)) = x l - softplus(l), in nats, for one element with logit ``l``.

    Sign: the log-likelihood (+); its negative is BCE-with-logits. No reduction. For x in {0, 1} it is a
    log-pmf; for x in [0, 1] (grey levels) it is the cross-entropy used in practice, not normalised.
    Raises TypeError for non-numeric arguments, ValueError if ``x`` is a number outside [0, 1].
    """
    x_, l_ = _expr(x, "x"), _expr(l, "l")
    if x_.is_number and not (0 <= x_ <= 1):
        raise ValueError(f"x must lie in [0, 1] (a Bernoulli target), got {x_}")
    return _bernoulli(x_, l_)


def isotropic_normal_pdf(xs: list[sp.Symbol], ms: list[sp.Symbol], std: sp.Expr) -> sp.Expr:
    """N(x; m, std^2 I), Bishop (2006) eq. (2.43): (2 pi)^(-D/2) |Sigma|^(-1/2) exp(-dev^T Sigma^-1 dev/2)."""
    dim = len(xs)
    cov = std**2 * sp.eye(dim)
    dev = sp.Matrix(xs) - sp.Matrix(ms)
    quad = (dev.T * cov.inv() * dev)[0, 0]
    return (2 * sp.pi) ** sp.Rational(-dim, 2) * cov.det() ** sp.Rational(-1, 2) * sp.exp(-quad / 2)


def single(name: str, lhs: sp.Basic, rhs: sp.Basic, rule: str, **step: object) -> tuple[Conclusion, Step]:
    """A conclusion proved by one step of the same name (``step``: further Step fields)."""
    relation = str(step.get("relation", "=="))
    conclusion = Conclusion(lhs, rhs, relation, chain=(name,), name=name)  # type: ignore[arg-type]
    return conclusion, Step(name, lhs, rhs, rule, **step)  # type: ignore[arg-type]


def _every_dimension() -> tuple[Conclusion, tuple[Step, ...]]:
    """-sum_j log N(x_j; m_j, s^2) = ||x - m||^2/(2 s^2) + (D/2) log(2 pi s^2) for every D, by induction."""

    def nll(dim: sp.Expr) -> sp.Expr:
        return sp.Sum(-sp.log(normal_pdf(x_vec[coord], m_vec[coord], s)), (coord, 1, dim))

    def scaled_sse(dim: sp.Expr) -> sp.Expr:
        sse = sp.Sum((x_vec[coord] - m_vec[coord]) ** 2, (coord, 1, dim))
        return sse / (2 * s**2) + dim * sp.log(2 * sp.pi * s**2) / 2

    p_d = Hypothesis("P(D)", sp.Eq(nll(D), scaled_sse(D)))
    steps = (
        Step("nll-base", nll(1), scaled_sse(1), "D = 1: the 1-D density, eq. (1.46)", tactics=("doit", *EL),
             lemma=True),
        Step("nll-inductive", nll(D + 1), scaled_sse(D + 1), "peel coordinate D + 1 off both sums, use P(D)"
             " for the first D and the 1-D log-density for the last", tactics=("peel_sum", "hypotheses", *EL),
             assuming=(p_d,), lemma=True),
        Step("nll-by-induction", nll(D), scaled_sse(D), "induction on D: base D = 1, step D -> D + 1",
             by="induction", domain=(D, sp.Naturals), cites=("nll-base", "nll-inductive")),
    )  # fmt: skip
    return Conclusion(nll(D), scaled_sse(D), chain=("nll-by-induction",), name="nll-every-dimension"), steps


def _density_every_dimension() -> tuple[Conclusion, Step]:
    """log N(x; m, s^2 I_D) = -||x - m||^2/(2 s^2) - (D/2) log(2 pi s^2) for every D, from eq. (2.43): the
    determinant |s^2 I_D| is left to the checker; the quadratic form with Sigma^-1 = I/s^2 is the sum."""
    quadratic = sp.Sum((x_vec[coord] - m_vec[coord]) ** 2 / s**2, (coord, 1, D))
    determinant = sp.Determinant(s**2 * sp.Identity(D))
    density = (2 * sp.pi) ** (-D / 2) * determinant ** sp.Rational(-1, 2) * sp.exp(-quadratic / 2)
    sse = sp.Sum((x_vec[coord] - m_vec[coord]) ** 2, (coord, 1, D))
    log_n = -sse / (2 * s**2) - D * sp.log(2 * sp.pi * s**2) / 2
    return single("log-density-every-dimension", sp.log(density), log_n,
                  "log of eq. (2.43) with Σ = s² I_D: |Σ| = s^(2D), (x - m)ᵀ Σ⁻¹ (x - m) = ||x - m||²/s²",
                  tactics=("doit", "doit", *EL))  # fmt: skip


def _gaussian() -> Claim:
    general, induction = _every_dimension()
    density_d = _density_every_dimension()
    xs, ms = [x1, x2, x3], [m1, m2, m3]
    pairs = list(zip(xs, ms, strict=True))
    density = isotropic_normal_pdf(xs, ms, s)
    sq_err = sum((xi - mi) ** 2 for xi, mi in pairs)
    log_n = -sp.Rational(3, 2) * sp.log(2 * sp.pi * s**2) - sq_err / (2 * s**2)
    per_coordinate = sp.Add(*[sp.log(normal_pdf(xi, mi, s)) for xi, mi in pairs])
    product = sp.Mul(*[normal_pdf(xi, mi, s) for xi, mi in pairs])  # the density, by matrix-form-3d
    mass_3d = sp.Integral(product, *[(xi, -sp.oo, sp.oo) for xi in xs])
    singles = (
        single("log-1d", sp.log(normal_pdf(x, m, s)), _log_density(x, m, s), "log of eq. (1.46)", tactics=EL),
        single("normalised-1d", sp.Integral(normal_pdf(x, m, s), (x, -sp.oo, sp.oo)), sp.Integer(1),
               "∫ N(x; m, s²) dx = 1 (Gaussian integral)"),
        single("normalised-3d", mass_3d, sp.Integer(1), "∫ Π_j N(x_j; m_j, s²) dx = 1 for D = 3 (Fubini)"),
        single("mse-weight-3d", sp.Derivative(-sp.log(density), m1), -(x1 - m1) / s**2,
               "∂(-log N)/∂m_1 = -(x_1 - m_1)/s²: squared error weighted by 1/(2 s²)", tactics=("doit", *EL)),
    )  # fmt: skip
    matrix = (
        Step("log-density-3d", sp.log(density), log_n, "log of eq. (2.43), Σ = s² I: |Σ| = s⁶, Σ⁻¹ = I/s²",
             tactics=EL),
        Step("sum-of-coordinates-3d", log_n, per_coordinate, "the sum of the 1-D log-densities", tactics=EL),
    )  # fmt: skip
    chain = ("log-density-3d", "sum-of-coordinates-3d")
    return Claim(
        id="gaussian-likelihood",
        title="Gaussian decoder: -log N(x; m, s² I_D) = ||x - m||²/(2 s²) + (D/2) log(2π s²) for every D,"
        " the sum of the coordinates' NLLs (explicit matrices and normalisation also at D = 3)",
        conclusions=(general, density_d[0], *(c for c, _ in singles),
                     Conclusion(sp.log(density), per_coordinate, chain=chain, name="matrix-form-3d")),
        steps=(*induction, density_d[1], *(st for _, st in singles), *matrix),
        lecture_times=("14:47",),
        references=(KW_GAUSSIAN, BISHOP_NORMAL, BISHOP_SQUARES),
        impl=("impl.gaussian_nll",),
    )  # fmt: skip


def _not_a_density(claim_id: str, what: str, pairs: tuple[tuple[Conclusion, Step], ...], claimed: Conclusion):  # type: ignore[no-untyped-def]
    title = f"Refuted: the Gaussian with {what} in the exponent is a density"
    conclusions, steps = (*(c for c, _ in pairs), claimed), tuple(st for _, st in pairs)
    return Claim(claim_id, title, conclusions, steps, lecture_times=("14:47",), references=(BISHOP_NORMAL,))


def _wrong_exponents() -> tuple[Claim, ...]:
    norm = 1 / sp.sqrt(2 * sp.pi * s**2)
    plus = norm * sp.exp((x - m) ** 2 / (2 * s**2))
    window = sp.Limit(sp.Integral(plus, (x, m - R, m + R)), R, sp.oo)  # the mass on [m - R, m + R], R -> oo
    no_half = sp.Integral(norm * sp.exp(-((x - m) ** 2) / s**2), (x, -sp.oo, sp.oo))
    no_scale = sp.Integral(norm * sp.exp(-((x - m) ** 2)), (x, -sp.oo, sp.oo))
    one, zero = sp.Integer(1), sp.Integer(0)
    return (
        _not_a_density("gaussian-likelihood-missing-minus", "+(x - m)²/(2 s²)", (
            single("integrand-grows", sp.Limit(1 / plus, x, sp.oo), zero,
                   "1/f → 0 as x → ∞: the integrand grows without bound instead of vanishing"),
        ), Conclusion(window, one, holds=False, name="normalised")),
        _not_a_density("gaussian-likelihood-missing-half", "-(x - m)²/s² (no 1/2)", (
            single("mass", no_half, 1 / sp.sqrt(2), "Gaussian integral: ∫ e^{-(x-m)²/s²} dx = s √π"),
        ), Conclusion(no_half, one, holds=False, name="normalised")),
        _not_a_density("gaussian-likelihood-missing-scale", "-(x - m)² (no 1/(2 s²))", (
            single("mass", no_scale, 1 / (sp.sqrt(2) * s), "∫ e^{-(x-m)²} dx = √π: mass 1 only at s = 1/√2"),
        ), Conclusion(no_scale, one, holds=False, name="normalised")),
    )  # fmt: skip


def _bernoulli_claim() -> Claim:
    p = 1 / (1 + sp.exp(-l))  # sigmoid(l)
    log_lik = _bernoulli(x, l)
    bce = -(x * sp.log(p) + (1 - x) * sp.log(1 - p))  # torch.nn.BCEWithLogitsLoss, per element
    split = (1 - x) * sp.log(1 + sp.exp(l)) + x * sp.log(1 + sp.exp(-l))  # weights >= 0 times softplus > 0

    def stable(a: sp.Expr) -> sp.Expr:
        # Unevaluated, so that the checker (not construction) resolves max and |.| by the logit's sign.
        return sp.Max(a, 0, evaluate=False) - x * a + sp.log(1 + sp.exp(-sp.Abs(a, evaluate=False)))

    singles = (
        single("log-pmf", sp.log(p**x * (1 - p) ** (1 - x)), log_lik,
               "log of p^x (1 - p)^(1 - x) with p = σ(l) = 1/(1 + e^-l)", tactics=EL, hypotheses=("target",)),
        single("normalised", sp.Sum(sp.exp(log_lik), (x, 0, 1)), sp.Integer(1), "sums to 1 over {0, 1}"),
        single("bce-with-logits", bce, -log_lik, "-[x log σ(l) + (1 - x) log(1 - σ(l))] is the NLL"),
        single("stable-nonnegative-logit", stable(l_plus), -_bernoulli(x, l_plus),
               "l >= 0: max(l, 0) = |l| = l, l + log(1 + e^-l) = log(1 + e^l)",
               hypotheses=("nonnegative-logit",)),
        single("stable-negative-logit", stable(l_minus), -_bernoulli(x, l_minus),
               "l < 0: max(l, 0) = 0, |l| = -l", hypotheses=("negative-logit",)),
    )  # fmt: skip
    nonnegative = (
        Step("bce-split", -log_lik, split, "log(1 + e^l) - l = log(1 + e^-l), so BCE splits"),
        Step("bce-split-nonnegative", split, sp.Integer(0), "each term is a weight >= 0 times a softplus > 0",
             relation=">=", hypotheses=("one-minus-target", "target"), tactics=()),
    )  # fmt: skip
    chain = ("bce-split", "bce-split-nonnegative")
    return Claim(
        id="bernoulli-likelihood",
        title="Bernoulli decoder: log Bernoulli(x; σ(l)) = x l - softplus(l) = -BCEWithLogits(l, x), and"
        " BCE >= 0 for targets x in [0, 1]",
        conclusions=(*(c for c, _ in singles),
                     Conclusion(-log_lik, sp.Integer(0), ">=", chain=chain, name="bce-nonnegative")),
        steps=(*(st for _, st in singles), *nonnegative),
        hypotheses=(
            Hypothesis("target", sp.Contains(x, sp.Interval(0, 1))),
            Hypothesis("one-minus-target", sp.GreaterThan(1 - x, 0)),
            Hypothesis("nonnegative-logit", sp.GreaterThan(l_plus, 0)),
            Hypothesis("negative-logit", sp.StrictLessThan(l_minus, 0)),
        ),
        references=(KW_BERNOULLI, TF_STABLE),
        impl=("impl.bernoulli_nll",),
    )  # fmt: skip


def claims() -> tuple[Claim, ...]:
    return (_gaussian(), *_wrong_exponents(), _bernoulli_claim())
