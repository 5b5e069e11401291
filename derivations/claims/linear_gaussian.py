"""The linear-Gaussian model, where p(x) and p(z|x) have closed forms: the exact ground truth of the ledger.

z ~ p(z) = N(0, 1), x | z ~ p_theta(x|z) = N(w z + b, s^2) (Bishop 2006, §2.3.3, eq. 2.113-2.114; the 1-D
case of probabilistic PCA, §12.2). Then (Bishop eq. 2.115-2.117)

    p(x)   = N(x; b, w^2 + s^2),
    p(z|x) = N(z; w (x - b) / (w^2 + s^2), s^2 / (w^2 + s^2)).

The claim ``marginal-likelihood`` derives both: p(x) from its defining integral, p(z|x) by Bayes' rule. The
constants and functions below are those proved expressions (SymPy, natural log, nats); ``experiments/`` uses
them as the exact log-evidence. A claim built from them declares ``uses=("marginal-likelihood",)``.
"""

from __future__ import annotations

import numbers

import sympy as sp

from derivations.claims.moments import normal_pdf, standard_normal_pdf
from derivations.core import Claim, Conclusion, Step, rests_on
from derivations.symbols import b, r_resid, s, w, x, z

BISHOP = "Bishop (2006), Pattern Recognition and Machine Learning, §2.3.3, eq. (2.113)-(2.117)"
#: Marginal variance of x: Var[w z + b + noise] = w^2 + s^2 (Bishop 2006, eq. 2.115).
MARGINAL_VAR = w**2 + s**2
#: log N(x; b, w^2 + s^2) in nats; proved by ``marginal-likelihood`` (conclusions evidence, log-evidence).
LOG_MARGINAL = -((x - b) ** 2) / (2 * MARGINAL_VAR) - sp.log(2 * sp.pi * MARGINAL_VAR) / 2
#: Posterior mean and variance of z given x (Bishop 2006, eq. 2.116-2.117 with A = w, Lambda = 1, L = 1/s^2);
#: proved by ``marginal-likelihood`` (conclusion posterior).
POSTERIOR_MEAN = w * (x - b) / MARGINAL_VAR
POSTERIOR_VAR = s**2 / MARGINAL_VAR


def as_expr(name: str, value: object, *, positive: bool = False, nonzero: bool = False) -> sp.Expr:
    """``value`` as a SymPy expression; TypeError unless a real number or SymPy expression, ValueError if a
    number breaks the stated sign (``positive``: > 0, ``nonzero``: != 0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | sp.Expr):
        raise TypeError(f"{name} must be a real number or a SymPy expression, got {type(value).__name__}")
    if isinstance(value, sp.Expr):
        expr = value
    else:
        expr = sp.Integer(int(value)) if isinstance(value, numbers.Integral) else sp.Float(float(value))
    if expr.is_number and (expr.is_real is False or not expr.is_finite):
        raise ValueError(f"{name} must be a finite real number, got {value}")
    if positive and expr.is_nonpositive:
        raise ValueError(f"{name} must be positive (a standard deviation), got {value}")
    if nonzero and expr.is_zero:
        raise ValueError(f"{name} must be nonzero (else z does not enter the model), got {value}")
    return expr


def _model(x_: object, w_: object, b_: object, s_: object) -> dict[sp.Symbol, sp.Expr]:
    return {
        x: as_expr("x", x_),
        w: as_expr("w", w_, nonzero=True),
        b: as_expr("b", b_),
        s: as_expr("s", s_, positive=True),
    }


@rests_on("marginal-likelihood")
def log_marginal(x_: object, w_: object, b_: object, s_: object) -> sp.Expr:
    """log p(x) = log N(x; b, w^2 + s^2) in nats (positive log-density, not its negative)."""
    return LOG_MARGINAL.subs(_model(x_, w_, b_, s_), simultaneous=True)


@rests_on("marginal-likelihood")
def posterior_mean(x_: object, w_: object, b_: object, s_: object) -> sp.Expr:
    """E[z | x] = w (x - b) / (w^2 + s^2), the mean of the exact posterior p(z|x)."""
    return POSTERIOR_MEAN.subs(_model(x_, w_, b_, s_), simultaneous=True)


@rests_on("marginal-likelihood")
def posterior_var(w_: object, s_: object) -> sp.Expr:
    """Var[z | x] = s^2 / (w^2 + s^2): a variance (not a standard deviation), the same for every x."""
    return POSTERIOR_VAR.subs(_model(0, w_, 0, s_), simultaneous=True)


def claims() -> tuple[Claim, ...]:
    likelihood, prior = normal_pdf(x, w * z + b, s), standard_normal_pdf(z)
    marginal = normal_pdf(x, b, sp.sqrt(MARGINAL_VAR))
    model = (sp.Q.positive(s), sp.Q.nonzero(w))
    centred = {r_resid: x - b}
    steps = (
        Step(
            name="marginal-integral-centred",
            lhs=sp.Integral(normal_pdf(r_resid, w * z, s) * prior, (z, -sp.oo, sp.oo)),
            rhs=normal_pdf(r_resid, 0, sp.sqrt(MARGINAL_VAR)),
            rule="∫ N(r; w z, s^2) N(z; 0, 1) dz = N(r; 0, w^2 + s^2), a Gaussian integral, for every real r",
            assumptions=model,
            tactics=("doit", "together", "simplify"),  # together: SymPy's erfc form needs it at r = 0
            lemma=True,
        ),
        Step(
            name="marginal-integral",
            lhs=sp.Integral(likelihood * prior, (z, -sp.oo, sp.oo)),
            rhs=marginal,
            rule="sum rule: p(x) = ∫ p(x|z) p(z) dz, the centred integral at r = x - b (a conjugate model)",
            by="instance",
            cites=("marginal-integral-centred",),
            substitution=tuple(centred.items()),
        ),
        Step(
            name="log-marginal",
            lhs=sp.log(marginal),
            rhs=LOG_MARGINAL,
            rule="log of the Gaussian density N(x; b, w^2 + s^2)",
            assumptions=model,
            tactics=("expand_log", "simplify"),
        ),
        Step(
            name="posterior-bayes",
            lhs=sp.log(likelihood * prior / marginal),
            rhs=sp.log(normal_pdf(z, POSTERIOR_MEAN, sp.sqrt(POSTERIOR_VAR))),
            rule="Bayes: log p(z|x) = log p(x|z) + log p(z) - log p(x), a Gaussian in z (completed square)",
            assumptions=model,
            tactics=("expand_log", "simplify"),
        ),
        Step(
            name="posterior-precision",
            lhs=1 / POSTERIOR_VAR,
            rhs=1 + w**2 / s**2,
            rule="posterior precision = prior precision + w^2 × noise precision (Bishop 2006, eq. 2.117)",
            tactics=("simplify",),
        ),
    )
    conclusions = tuple(
        Conclusion(step.lhs, step.rhs, chain=(step.name,), name=name)
        for step, name in zip(
            steps[1:], ("evidence", "log-evidence", "posterior", "posterior-precision"), strict=True
        )
    )
    return (
        Claim(
            id="marginal-likelihood",
            title="The linear-Gaussian model's evidence p(x) and exact posterior p(z|x), from the integral",
            conclusions=conclusions,
            steps=steps,
            lecture_times=("4:48", "5:40"),
            references=(
                BISHOP,
                "Bishop (2006), §12.2 (probabilistic PCA), eq. (12.31)-(12.35)",
                "Kingma & Welling (2013), Auto-Encoding Variational Bayes, §2.1 (intractable p(x))",
            ),
            impl=("impl.iwae_bound",),
        ),
    )
