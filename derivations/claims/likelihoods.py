"""Decoder likelihoods p_theta(x|z): the Gaussian one is scaled squared error, the Bernoulli one is BCE.

Kingma & Welling (2013), Appendix C, give both decoders. Each closed form is re-derived here from the density
it comes from: the multivariate Gaussian of Bishop (2006), eq. (2.43), with Sigma = s^2 I, and the Bernoulli
pmf p^x (1 - p)^(1 - x) with p = sigmoid(l). Three refuted claims show what the variants of the exponent that
viewers report at 14:47 would be: not densities at all.
"""

from __future__ import annotations

import sympy as sp

from derivations.core import Claim, Step, TacticName
from derivations.claims.moments import normal_pdf
from derivations.symbols import R, l, l_neg, l_pos, m, m1, m2, m3, s, x, x1, x2, x3

KW_GAUSSIAN = "Kingma & Welling (2013), Auto-Encoding Variational Bayes, App. C.2 (Gaussian MLP decoder)"
KW_BERNOULLI = "Kingma & Welling (2013), Auto-Encoding Variational Bayes, App. C.1 (Bernoulli MLP decoder)"
BISHOP_NORMAL = "Bishop (2006), PRML, §1.2.4, eq. (1.46) and (1.48); §2.3, eq. (2.43)"
BISHOP_SQUARES = "Bishop (2006), PRML, §1.2.5, eq. (1.62): Gaussian log-likelihood as sum of squares"
TF_STABLE = "TensorFlow API, tf.nn.sigmoid_cross_entropy_with_logits: max(l, 0) - x l + log(1 + exp(-|l|))"


def _expr(value: object, name: str) -> sp.Expr:
    if isinstance(value, bool) or not isinstance(value, int | float | sp.Expr):
        raise TypeError(f"{name} must be a SymPy expression or a real number, got {type(value).__name__}")
    if isinstance(value, sp.Expr):
        return value
    return sp.Integer(value) if isinstance(value, int) else sp.Float(value)


def gaussian_log_density(x: object, m: object, s: object) -> sp.Expr:
    """log N(x; m, s^2) for one coordinate, in nats: -log(2 pi s^2)/2 - (x - m)^2 / (2 s^2).

    Sign: the log-density (+), so the Gaussian NLL is its negative. No reduction: an isotropic N(m, s^2 I)
    is the sum of this over coordinates (claim ``gaussian-likelihood``, step ``sum-of-coordinates``).
    Raises TypeError unless each argument is a SymPy expression or a real number, ValueError if ``s`` is
    known not to be positive.
    """
    x_, m_, s_ = _expr(x, "x"), _expr(m, "m"), _expr(s, "s")
    if s_.is_positive is False:
        raise ValueError(f"s must be a positive standard deviation, got {s_}")
    return -sp.log(2 * sp.pi * s_**2) / 2 - (x_ - m_) ** 2 / (2 * s_**2)


def bernoulli_log_likelihood(x: object, l: object) -> sp.Expr:
    """log Bernoulli(x; sigmoid(l)) = x l - softplus(l), in nats, for one element with logit ``l``.

    Sign: the log-likelihood (+); its negative is BCE-with-logits. No reduction. For x in {0, 1} it is a
    log-pmf; for x in [0, 1] (grey levels) it is the cross-entropy used in practice, not normalised.
    Raises TypeError for non-numeric arguments, ValueError if ``x`` is a number outside [0, 1].
    """
    x_, l_ = _expr(x, "x"), _expr(l, "l")
    if x_.is_number and not (0 <= x_ <= 1):
        raise ValueError(f"x must lie in [0, 1] (a Bernoulli target), got {x_}")
    return x_ * l_ - sp.log(1 + sp.exp(l_))


def isotropic_normal_pdf(xs: list[sp.Symbol], ms: list[sp.Symbol], std: sp.Expr) -> sp.Expr:
    """N(x; m, std^2 I), Bishop (2006) eq. (2.43): (2 pi)^(-D/2) |Sigma|^(-1/2) exp(-dev^T Sigma^-1 dev/2)."""
    dim = len(xs)
    cov = std**2 * sp.eye(dim)
    dev = sp.Matrix(xs) - sp.Matrix(ms)
    quad = (dev.T * cov.inv() * dev)[0, 0]
    return (2 * sp.pi) ** sp.Rational(-dim, 2) * cov.det() ** sp.Rational(-1, 2) * sp.exp(-quad / 2)


def _mass(density: sp.Expr) -> sp.Integral:
    return sp.Integral(density, (x, -sp.oo, sp.oo))


def _gaussian() -> Claim:
    xs, ms = [x1, x2, x3], [m1, m2, m3]
    density, pairs = isotropic_normal_pdf(xs, ms, s), list(zip(xs, ms, strict=True))
    sq_err = sum((xi - mi) ** 2 for xi, mi in pairs)
    log_n = -sp.Rational(3, 2) * sp.log(2 * sp.pi * s**2) - sq_err / (2 * s**2)
    const = sp.Rational(3, 2) * sp.log(2 * sp.pi * s**2)
    product = sp.Mul(*[normal_pdf(xi, mi, s) for xi, mi in pairs])
    summed = sum(gaussian_log_density(xi, mi, s) for xi, mi in pairs)
    log_1d = gaussian_log_density(x, m, s)
    el: tuple[TacticName, ...] = ("expand_log", "simplify")
    steps = [
        Step("log-density-3d", sp.log(density), log_n, "log of eq. (2.43) with Σ = s² I, D = 3", tactics=el),
        Step("factorises", density, product, "an isotropic Gaussian is the product of its 1-D densities"),
        Step("per-dimension", sp.log(normal_pdf(x, m, s)), log_1d, "log of eq. (1.46), per coordinate"),
        Step("sum-of-coordinates", summed, log_n, "the 3-D log-density is the sum of the 1-D ones"),
    ]
    for d in (1, 2, 3):
        mass = sp.Integral(isotropic_normal_pdf(xs[:d], ms[:d], s), *[(xi, -sp.oo, sp.oo) for xi in xs[:d]])
        steps.append(Step(f"normalised-{d}d", mass, sp.Integer(1), f"∫ N(x; m, s² I) dx = 1 for D = {d}"))
    nll_rule = "-log N = ||x - m||²/(2 s²) + (D/2) log(2π s²), the constant free of x and m"
    steps.append(Step("nll-is-scaled-squared-error", -sp.log(density), sq_err / (2 * s**2) + const, nll_rule))
    weight = sp.diff(sq_err, m1) / (2 * s**2)
    weight_rule = "d(-log N)/dm_1 = d||x - m||²/dm_1 times 1/(2 s²): that factor is the MSE weight"
    steps.append(Step("mse-weight", sp.diff(-sp.log(density), m1), weight, weight_rule))
    return Claim(
        id="gaussian-likelihood",
        title="Gaussian decoder: log N(x; m, s² I) is -||x - m||²/(2 s²) up to a constant in x",
        statement=r"\log\mathcal{N}(x; m, s^2 I) = -\tfrac{D}{2}\log(2\pi s^2) - \tfrac{\|x - m\|^2}{2 s^2}",
        lecture_times=("14:47",),
        steps=tuple(steps),
        references=(KW_GAUSSIAN, BISHOP_NORMAL, BISHOP_SQUARES),
        impl=("impl.gaussian_nll",),
    )


def _not_a_density(claim_id: str, title: str, exponent: str, steps: tuple[Step, ...]) -> Claim:
    statement = rf"\int \tfrac{{1}}{{\sqrt{{2\pi s^2}}}} e^{{{exponent}}}\,dx = 1"
    title = f"Refuted: the Gaussian with {title} in the exponent is a density"
    return Claim(claim_id, title, statement, ("14:47",), steps, references=(BISHOP_NORMAL,))


def _wrong_exponents() -> tuple[Claim, ...]:
    norm = 1 / sp.sqrt(2 * sp.pi * s**2)
    plus = norm * sp.exp((x - m) ** 2 / (2 * s**2))
    window = sp.Limit(1 / sp.Integral(plus, (x, m - R, m + R)), R, sp.oo)
    no_half, no_scale = _mass(norm * sp.exp(-((x - m) ** 2) / s**2)), _mass(norm * sp.exp(-((x - m) ** 2)))
    one, density_rule = sp.Integer(1), "a density integrates to 1"
    grows = "1/f → 0 as x → ∞: the integrand grows without bound instead of vanishing"
    diverges = "1/∫_{m-R}^{m+R} f dx → 0 as R → ∞: the mass is infinite (erfi grows without bound)"
    return (
        _not_a_density("gaussian-likelihood-missing-minus", "+(x - m)²/(2 s²)", "+(x - m)^2 / (2 s^2)", (
            Step("integrand-grows", sp.Limit(1 / plus, x, sp.oo), sp.Integer(0), grows),
            Step("mass-diverges", window, sp.Integer(0), diverges),
            Step("normalised", window, one, "a density's mass on [m - R, m + R] tends to 1", holds=False),
        )),
        _not_a_density("gaussian-likelihood-missing-half", "-(x - m)²/s² (no 1/2)", "-(x - m)^2 / s^2", (
            Step("mass", no_half, 1 / sp.sqrt(2), "Gaussian integral: ∫ e^{-(x-m)²/s²} dx = s √π"),
            Step("normalised", no_half, one, density_rule, holds=False),
        )),
        _not_a_density("gaussian-likelihood-missing-scale", "-(x - m)² (no 1/(2 s²))", "-(x - m)^2", (
            Step("mass", no_scale, 1 / (sp.sqrt(2) * s), "∫ e^{-(x-m)²} dx = √π: mass 1 only at s = 1/√2"),
            Step("normalised", no_scale, one, density_rule, holds=False),
        )),
    )  # fmt: skip


def _bernoulli() -> Claim:
    p = 1 / (1 + sp.exp(-l))  # sigmoid(l)
    log_lik = bernoulli_log_likelihood(x, l)
    bce = -(x * sp.log(p) + (1 - x) * sp.log(1 - p))  # torch.nn.BCEWithLogitsLoss, per element

    def softplus_minus_xl(a: sp.Expr) -> sp.Expr:
        return sp.log(1 + sp.exp(a)) - x * a

    def stable(a: sp.Expr) -> sp.Expr:
        # Unevaluated, so that the checker (not construction) resolves max and |.| under the sign of l.
        return sp.Max(a, 0, evaluate=False) - x * a + sp.log(1 + sp.exp(-sp.Abs(a, evaluate=False)))

    el: tuple[TacticName, ...] = ("expand_log", "simplify")
    pmf = sp.log(p**x * (1 - p) ** (1 - x))
    total = sum(sp.exp(log_lik.subs(x, k)) for k in (0, 1))
    stable_steps = tuple(
        Step(f"stable-{sign}-logit", stable(a), softplus_minus_xl(a), rule)
        for sign, a, rule in (
            ("positive", l_pos, "l > 0: max(l, 0) = |l| = l and l + log(1 + e^-l) = log(1 + e^l)"),
            ("negative", l_neg, "l < 0: max(l, 0) = 0 and |l| = -l"),
            ("zero", sp.Integer(0), "l = 0: both sides are log 2"),
        )
    )
    return Claim(
        id="bernoulli-likelihood",
        title="Bernoulli decoder: log Bernoulli(x; sigmoid(l)) = x l - softplus(l) = -BCEWithLogits(l, x)",
        statement=r"\log\mathrm{Bern}(x; \sigma(l)) = x l - \log(1 + e^{l}) = -\mathrm{BCE}(l, x)",
        lecture_times=(),
        steps=(
            Step(
                "log-pmf", pmf, log_lik, "log of p^x (1 - p)^(1 - x) with p = σ(l) = 1/(1 + e^-l)", tactics=el
            ),
            Step("normalised", total, sp.Integer(1), "the pmf sums to 1 over x ∈ {0, 1}"),
            Step("bce-with-logits", bce, -log_lik, "-[x log σ(l) + (1 - x) log(1 - σ(l))] is the NLL"),
            *stable_steps,
        ),
        references=(KW_BERNOULLI, TF_STABLE),
        impl=("impl.bernoulli_nll",),
    )


def claims() -> tuple[Claim, ...]:
    return (_gaussian(), *_wrong_exponents(), _bernoulli())
