"""Gibbs' inequality KL(q || p) >= 0 for abstract densities; its Gaussian case, zero only at the prior.

The route (Cover & Thomas 2006, Theorem 2.6.3): f(t) = t - 1 - log t >= 0 on t > 0, zero only at t = 1
(log t <= t - 1). Pointwise q log(q/p) = q f(p/q) + (q - p) >= q - p; integrate (the monotone rule) and use
∫ q = ∫ p = 1. q and p are undefined functions: positivity, normalisation and integrability are displayed
hypotheses. The Gaussian case KL = μ²/2 + f(σ²)/2 is a worked instance, with its equality case; for abstract
densities only the inequality is proved (KL = 0 => q = p almost everywhere is not). +KL in nats.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.gaussian_kl import KINGMA_WELLING, standard_kl
from derivations.core import Claim, Conclusion, Hypothesis, Relation, Step, integrable
from derivations.symbols import mu, mu_nz, p_fn, q_fn, sigma, sigma_hi, sigma_lo, t, t_hi, t_lo, z

COVER_THOMAS = "Cover & Thomas (2006), Elements of Information Theory, 2nd ed., Theorem 2.6.3"
BISHOP = "Bishop (2006), Pattern Recognition and Machine Learning, §1.6.1, eqs. (1.113)-(1.118)"
POSITIVE, BELOW_ONE, ABOVE_ONE = (
    sp.Interval.open(0, sp.oo),
    sp.Interval.open(0, 1),
    sp.Interval.open(1, sp.oo),
)
LINE = (z, -sp.oo, sp.oo)
ZERO = sp.Integer(0)


def gibbs_f(t: sp.Expr) -> sp.Expr:
    """f(t) = t - 1 - log t, so that KL(q || p) = E_q[f(p/q)] (dimensionless; t = p/q > 0; a definition)."""
    return t - 1 - sp.log(t)


def f_nonnegative() -> Step:
    """The lemma f(t) >= 0 for t > 0 (log t <= t - 1), by the range of f; cited by ``instance`` steps."""
    return Step("f-nonnegative", gibbs_f(t), ZERO, "log t <= t - 1 on t > 0", relation=">=",
                domain=(t, POSITIVE), lemma=True)  # fmt: skip


def _hypotheses() -> tuple[Hypothesis, ...]:
    q, p = q_fn(z), p_fn(z)
    return (
        Hypothesis("q > 0", q > 0),
        Hypothesis("p > 0", p > 0),
        Hypothesis("∫ q = 1", sp.Eq(sp.Integral(q, LINE), 1)),
        Hypothesis("∫ p = 1", sp.Eq(sp.Integral(p, LINE), 1)),
        Hypothesis("q integrable", integrable(q, z)),
        Hypothesis("p integrable", integrable(p, z)),
        Hypothesis("q log(q/p) integrable", integrable(q * sp.log(q / p), z)),
        Hypothesis("q - p integrable", integrable(q - p, z)),
        Hypothesis("t_< in (0, 1)", sp.Contains(t_lo, BELOW_ONE)),
        Hypothesis("t_> > 1", sp.Contains(t_hi, ABOVE_ONE)),
        Hypothesis("σ_< in (0, 1)", sp.Contains(sigma_lo, BELOW_ONE)),
        Hypothesis("σ_> > 1", sp.Contains(sigma_hi, ABOVE_ONE)),
    )


def _f_steps() -> tuple[tuple[Conclusion, ...], tuple[Step, ...]]:
    """f >= 0 on t > 0, f'(t) = (t - 1)/t, f'' > 0, f(1) = 0, f > 0 on either side of 1."""
    f = gibbs_f(t)
    steps = (
        Step("log-bound", f, ZERO, "f has range [0, oo) on t > 0: log t <= t - 1", relation=">=",
             domain=(t, POSITIVE)),
        Step("f-stationary-point", sp.Derivative(f, t), (t - 1) / t, "f'(t) = 1 - 1/t: zero only at t = 1"),
        Step("f-convex", sp.Derivative(f, t, 2), ZERO, "f''(t) = 1/t² > 0", relation=">"),
        Step("f-zero-at-one", sp.Subs(f, t, 1), ZERO, "f(1) = 1 - 1 - log 1 = 0"),
        Step("f-positive-below-one", gibbs_f(t_lo), ZERO, "f > 0 on 0 < t < 1", relation=">",
             domain=(t_lo, BELOW_ONE), hypotheses=("t_< in (0, 1)",)),
        Step("f-positive-above-one", gibbs_f(t_hi), ZERO, "f > 0 on t > 1", relation=">",
             domain=(t_hi, ABOVE_ONE), hypotheses=("t_> > 1",)),
    )  # fmt: skip
    conclusions = tuple(Conclusion(s.lhs, s.rhs, s.relation, chain=(s.name,), name=s.name) for s in steps)
    return conclusions, steps


def _abstract_steps() -> tuple[Conclusion, tuple[Step, ...]]:
    """∫ q log(q/p) >= ∫ (q - p) = 0 for abstract positive normalised densities q, p."""
    q, p = q_fn(z), p_fn(z)
    kl, gap, weighted = q * sp.log(q / p), q - p, q * gibbs_f(p / q)
    signs = ("q > 0", "p > 0")
    steps = (
        f_nonnegative(),
        Step("f-at-ratio", gibbs_f(p / q), ZERO, "f(t) >= 0 at t = p(z)/q(z) > 0", relation=">=",
             by="instance", cites=("f-nonnegative",), substitution=((t, p / q),), hypotheses=signs,
             lemma=True),
        Step("as-f", kl, weighted + gap, "q log(q/p) = q f(p/q) + (q - p) pointwise (q, p > 0)",
             hypotheses=signs, tactics=("expand_log", "expand", "simplify"), lemma=True),
        Step("drop-f", weighted + gap, gap, "q f(p/q) >= 0: q > 0 and f(p/q) >= 0", relation=">=",
             cites=("f-at-ratio",), hypotheses=("q > 0",), tactics=(), lemma=True),
        Step("pointwise", kl, gap, "q log(q/p) >= q - p at every z", relation=">=", by="chain",
             cites=("as-f", "drop-f"), lemma=True),
        Step("integrate", sp.Integral(kl, LINE), sp.Integral(gap, LINE), "integrate the pointwise bound",
             relation=">=", by="monotone", cites=("pointwise",),
             hypotheses=("q log(q/p) integrable", "q - p integrable")),
        Step("unit-masses", sp.Integral(gap, LINE), ZERO, "linearity, then ∫ q = ∫ p = 1",
             hypotheses=("q integrable", "p integrable", "∫ q = 1", "∫ p = 1"),
             tactics=("split_integrals", "hypotheses", "simplify")),
    )  # fmt: skip
    kl_nonnegative = Conclusion(sp.Integral(kl, LINE), ZERO, ">=", chain=("integrate", "unit-masses"),
                                name="KL(q || p) >= 0 for every positive normalised q, p")  # fmt: skip
    return kl_nonnegative, steps


def _gaussian_steps() -> tuple[tuple[Conclusion, ...], tuple[Step, ...]]:
    """Worked instance: KL(N(μ, σ²) || N(0, 1)) = μ²/2 + f(σ²)/2 >= 0, zero only at (μ, σ) = (0, 1)."""

    def via_f(mean: sp.Symbol, sd: sp.Symbol, tag: str) -> tuple[Step, Step, Step]:
        half_f = mean**2 / 2 + sp.Subs(gibbs_f(t), t, sd**2) / 2
        hyps = {sigma_lo: ("σ_< in (0, 1)",), sigma_hi: ("σ_> > 1",)}.get(sd, ())
        where = {sigma_lo: BELOW_ONE, sigma_hi: ABOVE_ONE}.get(sd, POSITIVE)
        strict: Relation = ">" if sd in (sigma_lo, sigma_hi) else ">="
        return (
            Step(f"gaussian-via-f{tag}", standard_kl(mean, sd), half_f, "KL = μ²/2 + f(σ²)/2, f at t = σ²"),
            Step(f"gaussian-drop-f{tag}", half_f, mean**2 / 2, f"f(σ²)/2 {strict} 0 for σ in {where}",
                 relation=strict, domain=(sd, where), hypotheses=hyps),
            Step(f"gaussian-mean-square{tag}", mean**2 / 2, ZERO, "μ²/2 >= 0 (> 0 for μ ≠ 0)",
                 relation=">" if mean == mu_nz else ">="),
        )  # fmt: skip

    general, off_mean, below, above = via_f(mu, sigma, ""), via_f(mu_nz, sigma, "-mean"), via_f(
        mu, sigma_lo, "-below"), via_f(mu, sigma_hi, "-above")  # fmt: skip
    at_prior = Step("gaussian-kl-zero-at-prior", sp.Subs(standard_kl(mu, sigma), (mu, sigma), (0, 1)), ZERO,
                    "KL = 0 at μ = 0, σ = 1")  # fmt: skip
    names = lambda chain: tuple(s.name for s in chain)  # noqa: E731
    conclusions = (
        Conclusion(general[0].lhs, general[0].rhs, chain=names(general[:1]), name="Gaussian KL via f"),
        Conclusion(general[0].lhs, ZERO, ">=", chain=names(general), name="Gaussian KL >= 0"),
        Conclusion(at_prior.lhs, ZERO, chain=(at_prior.name,), name="zero at the prior"),
        *(Conclusion(c[0].lhs, ZERO, ">", chain=names(c), name=f"positive {w}")
          for c, w in ((off_mean, "for μ ≠ 0"), (below, "for σ < 1"), (above, "for σ > 1"))),
    )  # fmt: skip
    return conclusions, (*general, *off_mean, *below, *above, at_prior)


def claims() -> tuple[Claim, ...]:
    f_conclusions, f_steps = _f_steps()
    kl_nonnegative, abstract = _abstract_steps()
    gauss_conclusions, gauss = _gaussian_steps()
    return (
        Claim(
            id="gibbs-inequality",
            title="Gibbs' inequality: KL(q || p) >= 0 for every pair of densities; the Gaussian case, "
            "zero only at the prior",
            conclusions=(kl_nonnegative, *f_conclusions, *gauss_conclusions),
            steps=(*abstract, *f_steps, *gauss),
            hypotheses=_hypotheses(),
            uses=("gaussian-kl-standard",),
            lecture_times=("11:00",),
            references=(COVER_THOMAS, BISHOP, KINGMA_WELLING),
            impl=("impl.gaussian_kl",),
        ),
    )
