"""The lecture's three-panel ablation (19:17-20:35), solved exactly on the linear-Gaussian model.

For one x and q(z|x) = N(mu, sigma^2), the loss is (elbo.py; nats, +KL, no reduction)

    -ELBO(mu, sigma) = -E_q[log p(x|z)] + KL(q || N(0, 1))
                     = ((x - w mu - b)^2 + w^2 sigma^2) / (2 s^2) + log(2 pi s^2) / 2
                       + (mu^2 + sigma^2 - 1) / 2 - log sigma.

Keeping only one term gives the ablations. Each optimum is stated as sign steps, not prose: the loss minus
its value at the optimum is >= 0 everywhere, and > 0 wherever mu or sigma differs from it (mu = optimum +
delta with delta != 0; sigma = optimum * e^r with r != 0). KL alone: the unique optimum is mu = 0, sigma = 1
for every x (q is the prior, nothing is learned). Reconstruction alone: the loss exceeds log(2 pi s^2)/2
everywhere and tends to it as sigma -> 0 at mu = (x - b)/w, so its infimum is not attained (peaky codes).
Both: the unique optimum is the exact posterior, where the ELBO is log p(x). Viewers (19:17, 19:57, 20:00,
20:35) report that the lecture swaps the labels of the first two panels; the two ``slide-*`` claims state the
swapped labels and are refuted.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.elbo import ELBO, EXPECTED_LOG_LIKELIHOOD, KL_TO_PRIOR
from derivations.claims.linear_gaussian import LOG_MARGINAL, POSTERIOR_MEAN, POSTERIOR_VAR
from derivations.core import Claim, Conclusion, Step, TacticName
from derivations.symbols import b, delta_mu, mu, r_log_sigma, s, sigma, sigma_limit, t, w, x

#: The three objectives of the ablation, each a loss to minimise over (mu, sigma), in nats.
KL_ONLY = KL_TO_PRIOR
RECONSTRUCTION_ONLY = -EXPECTED_LOG_LIKELIHOOD
BOTH = -ELBO
#: inf of the reconstruction-only loss, approached as mu = (x - b)/w, sigma -> 0 (never attained).
RECONSTRUCTION_INFIMUM = sp.log(2 * sp.pi * s**2) / 2
#: Claims that prove the closed forms imported above (module constants, so declared by hand): the ELBO and
#: its reconstruction term from their integrals, the KL to N(0, 1), the evidence and posterior.
USES_KL = ("gaussian-kl-standard",)
USES_RECONSTRUCTION = ("elbo-decomposition-linear-gaussian",)
USES_BOTH = ("elbo-decomposition-linear-gaussian", "gaussian-kl-standard", "marginal-likelihood")

_LECTURE = ("19:17", "19:57", "20:00", "20:35")
_REFERENCES = (
    "Kingma & Welling (2013), Auto-Encoding Variational Bayes, eq. (3) and Appendix B",
    "Bishop (2006), Pattern Recognition and Machine Learning, §2.3.3 (the linear-Gaussian posterior)",
    "Blei, Kucukelbir & McAuliffe (2017), Variational Inference: A Review for Statisticians, §2.2",
)
EL: tuple[TacticName, ...] = ("doit", "expand_log", "simplify")
NONZERO = (r_log_sigma, sp.Reals - sp.FiniteSet(0))
TAU = sp.sqrt(POSTERIOR_VAR)
LINEAR_GAUSSIAN = (
    "the linear-Gaussian model p(z) = N(0, 1), p(x|z) = N(w z + b, s²), q(z|x) = N(mu, sigma²), one x"
)


def at(loss: sp.Expr, mean: sp.Expr, std: sp.Expr) -> sp.Expr:
    """The loss at (mu, sigma) = (mean, std), unevaluated (the checker substitutes)."""
    return sp.Subs(loss, (mu, sigma), (mean, std))


def gibbs(ratio: sp.Expr) -> sp.Expr:
    """f(t) = (t^2 - 1 - log t^2)/2 >= 0 for t > 0, zero only at t = 1: the KL's cost (nats) of a standard
    deviation t times the optimal one."""
    return (ratio**2 - 1 - 2 * sp.log(ratio)) / 2


def single(name: str, lhs: sp.Basic, rhs: sp.Basic, rule: str, **step: object) -> tuple[Conclusion, Step]:
    """A conclusion proved by one step of the same name (``step``: further Step fields)."""
    relation = str(step.get("relation", "=="))
    conclusion = Conclusion(lhs, rhs, relation, chain=(name,), name=name)  # type: ignore[arg-type]
    return conclusion, Step(name, lhs, rhs, rule, **step)  # type: ignore[arg-type]


def _claim(
    claim_id: str, title: str, parts: tuple[tuple[Conclusion, tuple[Step, ...]], ...], **kw: object
) -> Claim:
    """A claim from (conclusion, its steps) parts."""
    conclusions, steps = tuple(c for c, _ in parts), tuple(st for _, group in parts for st in group)
    return Claim(claim_id, title, conclusions, steps, references=_REFERENCES, **kw)  # type: ignore[arg-type]


def _sign(name: str, gap: sp.Expr, value: sp.Expr, rule: str, relation: str = ">", **sign: object):  # type: ignore[no-untyped-def]
    """gap == value (algebra, by the checker) and value > 0 (or >= 0): the conclusion gap > 0."""
    steps = (Step(f"{name}-algebra", gap, value, rule, tactics=EL),
             Step(f"{name}-sign", value, sp.Integer(0), "its sign", relation=relation, **sign))  # type: ignore[arg-type]  # fmt: skip
    chain = tuple(st.name for st in steps)
    return Conclusion(gap, sp.Integer(0), relation, chain=chain, name=name), steps  # type: ignore[arg-type]


def _optimum(
    claim_id: str,
    title: str,
    loss: sp.Expr,
    best: tuple[sp.Expr, sp.Expr],
    square: sp.Expr,
    mean_gap: sp.Expr,
    extra: tuple[tuple[Conclusion, Step], ...] = (),
    **kw: object,
) -> Claim:
    """``best`` is the unique minimiser of ``loss``: loss - loss(best) = a square + f(sigma/sigma*) >= 0 (an
    instance of the lemma f(t) >= 0), and > 0 at (mu* + delta, sigma) and at (mu, sigma* e^r), delta, r != 0.
    """
    m0, s0 = best
    gap, kept = loss - at(loss, m0, s0), gibbs(sigma / s0)
    global_steps = (
        Step("gibbs-f", gibbs(t), sp.Integer(0), "f(t) = (t² - 1 - log t²)/2 >= 0 on t > 0 (its range)",
             relation=">=", domain=(t, sp.Interval.open(0, sp.oo)), lemma=True),
        Step("global-algebra", gap, square + kept, "expand: a square in mu plus f(sigma/sigma*)", tactics=EL),
        Step("global-drop", square + kept, kept, "drop the square (>= 0)", relation=">=", tactics=()),
        Step("global-sign", kept, sp.Integer(0), "f(t) >= 0 at t = sigma/sigma* > 0", relation=">=",
             by="instance", cites=("gibbs-f",), substitution=((t, sigma / s0),)),
    )  # fmt: skip
    chain = ("global-algebra", "global-drop", "global-sign")
    parts = (
        (Conclusion(gap, sp.Integer(0), ">=", chain=chain, name="minimum"), global_steps),
        _sign("unique-in-mu", at(loss, m0 + delta_mu, sigma) - at(loss, m0, sigma), mean_gap,
              "moving mu off the optimum by delta costs a square in delta"),
        _sign("unique-in-sigma", at(loss, mu, s0 * sp.exp(r_log_sigma)) - at(loss, mu, s0),
              gibbs(sp.exp(r_log_sigma)), "scaling sigma by e^r costs f(e^r) = (e^(2r) - 1 - 2r)/2 > 0",
              domain=NONZERO),
        *((c, (st,)) for c, st in extra),
    )  # fmt: skip
    return _claim(claim_id, title, parts, lecture_times=_LECTURE, **kw)


def _kl_only() -> Claim:
    return _optimum(
        "ablation-kl-only",
        "KL term alone (one latent dimension): the unique optimum is q(z|x) = N(0, 1) = p(z) for every x;"
        " nothing is learned",
        KL_ONLY, (sp.Integer(0), sp.Integer(1)), mu**2 / 2, delta_mu**2 / 2,
        uses=USES_KL, impl=("impl.gaussian_kl", "impl.neg_elbo"),
        special_case="one latent dimension: q(z|x) = N(mu, sigma²) against p(z) = N(0, 1)",
    )  # fmt: skip


def _reconstruction_only() -> Claim:
    mu_star = (x - b) / w
    square, spread = (x - w * mu - b) ** 2 / (2 * s**2), w**2 * sigma**2 / (2 * s**2)
    approached = sp.Limit(at(RECONSTRUCTION_ONLY, mu_star, sigma), sigma, 0, "+")
    moved = at(RECONSTRUCTION_ONLY, mu_star + delta_mu, sigma) - at(RECONSTRUCTION_ONLY, mu_star, sigma)
    limit, limit_step = single("infimum-approached", approached, RECONSTRUCTION_INFIMUM,
                               "at mu = (x - b)/w the excess w² sigma²/(2 s²) -> 0", tactics=EL)  # fmt: skip
    parts = (
        _sign("above-infimum", RECONSTRUCTION_ONLY - RECONSTRUCTION_INFIMUM, square + spread,
              "the constant cancels: a square plus w² sigma²/(2 s²) > 0 (w != 0)", tactics=()),
        (limit, (limit_step,)),
        _sign("increases-with-sigma", sp.Derivative(RECONSTRUCTION_ONLY, sigma), w**2 * sigma / s**2,
              "d/dsigma = w² sigma / s² > 0"),
        _sign("best-mean", moved, w**2 * delta_mu**2 / (2 * s**2), "moving mu off (x - b)/w costs a square"),
    )  # fmt: skip
    return _claim(
        "ablation-reconstruction-only",
        "Reconstruction term alone (linear-Gaussian decoder): the loss exceeds log(2π s²)/2 everywhere and"
        " tends to it as sigma -> 0: the infimum is not attained (peaky codes), the best mean reconstructs x",
        parts, uses=USES_RECONSTRUCTION, lecture_times=_LECTURE, impl=("impl.gaussian_nll", "impl.neg_elbo"),
        special_case=LINEAR_GAUSSIAN,
    )  # fmt: skip


def _both() -> Claim:
    tight = -at(BOTH, POSTERIOR_MEAN, TAU)
    extra = (single("optimum-is-log-evidence", tight, LOG_MARGINAL,
                    "at the optimum the ELBO equals log p(x): q is the posterior", tactics=EL),)  # fmt: skip
    return _optimum(
        "ablation-both",
        "Both terms (linear-Gaussian model): the ELBO's unique optimum over (mu, sigma) is the exact"
        " posterior p(z|x), where it is log p(x)",
        BOTH, (POSTERIOR_MEAN, TAU), (mu - POSTERIOR_MEAN) ** 2 / (2 * POSTERIOR_VAR),
        delta_mu**2 / (2 * POSTERIOR_VAR), extra, uses=USES_BOTH, impl=("impl.neg_elbo",),
        special_case=LINEAR_GAUSSIAN,
    )  # fmt: skip


def _slides() -> tuple[Claim, ...]:
    peaky_kl = at(KL_ONLY, sp.Integer(0), sigma_limit)
    peaky, inverse_peaky = (
        sp.Limit(peaky_kl, sigma_limit, 0, "+"),
        sp.Limit(1 / peaky_kl, sigma_limit, 0, "+"),
    )
    prior_reconstruction = at(RECONSTRUCTION_ONLY, sp.Integer(0), sp.Integer(1))
    claimed = Conclusion(
        prior_reconstruction, RECONSTRUCTION_ONLY, "<=", holds=False, name="prior-is-optimal"
    )
    costs, costs_step = single("peaky-costs-infinity", inverse_peaky, sp.Integer(0), "1/KL -> 0: KL -> +oo")
    excess = ((x - b) ** 2 + w**2) / (2 * s**2)
    return (
        _claim("slide-kl-only-is-peaky",
               "Refuted slide label: 'with the KL term alone the optimal posterior is peaky (variance -> 0)'",
               ((Conclusion(peaky, KL_ONLY, "<=", holds=False, name="peaky-is-optimal"), ()),
                (costs, (costs_step,))),
               uses=USES_KL, lecture_times=("19:57", "20:00", "20:35"), impl=("impl.gaussian_kl",)),
        _claim("slide-reconstruction-only-is-prior",
               "Refuted slide label: 'with the reconstruction term alone the posteriors match N(0, 1)'",
               ((claimed, ()),
                _sign("prior-is-above-infimum", prior_reconstruction - RECONSTRUCTION_INFIMUM, excess,
                      "q = N(0, 1) exceeds the infimum by ((x - b)² + w²)/(2 s²) > 0")),
               uses=USES_RECONSTRUCTION, lecture_times=("19:17",), impl=("impl.gaussian_nll",)),
    )  # fmt: skip


def claims() -> tuple[Claim, ...]:
    return (_kl_only(), _reconstruction_only(), _both(), *_slides())
