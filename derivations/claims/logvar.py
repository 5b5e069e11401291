"""The log-variance parameterisation σ² = exp(v): the encoder's raw output v is read as log σ² (26:19).

A linear layer outputs any real number, but a variance must be positive. Reading the output as v = log σ²
maps the whole real line onto (0, oo) one-to-one, and the KL keeps its value: only the variable changes
(Kingma & Welling 2013, Appendix C.2 and eq. (10), where the encoder outputs log σ²). All KLs are +KL, nats.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.gaussian_kl import KINGMA_WELLING, as_expr, standard_kl
from derivations.core import Claim, Conclusion, Step, rests_on
from derivations.symbols import mu, sigma, v

PYTORCH_EXAMPLES = "pytorch/examples, vae/main.py: fc22 outputs logvar, std = exp(0.5 * logvar)"


def _standard_kl_logvar(mu: object, v: object) -> sp.Expr:
    mean, logvar = as_expr("mu", mu), as_expr("v", v)
    return (sp.exp(logvar) + mean**2 - 1 - logvar) / 2


@rests_on("logvar-parameterisation")
def standard_kl_logvar(mu: object, v: object) -> sp.Expr:
    """KL(N(mu, exp(v)) || N(0, 1)) = (exp(v) + mu^2 - 1 - v) / 2: +KL in nats, one dimension, v = log σ².

    Kingma & Welling (2013), Appendix B with σ² = exp(v); sum over latent dimensions for the diagonal case.
    """
    return _standard_kl_logvar(mu, v)


def claims() -> tuple[Claim, ...]:
    kl_v, kl_sigma = _standard_kl_logvar(mu, v), standard_kl(mu, sigma)
    grad_v = (sp.exp(v) - 1) / 2
    image = sp.ImageSet(sp.Lambda(v, sp.exp(v)), sp.Reals)  # unevaluated: the checker evaluates it
    steps = (
        Step("value-unchanged", sp.Subs(kl_sigma, sigma, sp.exp(v / 2)), kl_v,
             "σ = exp(v/2), the positive root of σ² = exp(v): the same KL written in v"),
        Step("inverse-map", sp.Subs(kl_v, v, sp.log(sigma**2)), kl_sigma, "v = log σ² takes the v-form back"),
        Step("onto-positive-reals", image, sp.Interval.open(0, sp.oo), "exp maps the real line onto (0, oo)"),
        Step("one-to-one", sp.Derivative(sp.exp(v), v), sp.Integer(0),
             "d exp(v)/dv = exp(v) > 0: exp is increasing, so each variance has one v", relation=">"),
        Step("grad-logvar", sp.Derivative(kl_v, v), grad_v, "dKL/dv = (exp(v) - 1)/2, zero only at v = 0"),
        Step("grad-mean", sp.Derivative(kl_v, mu), mu, "dKL/dμ = μ"),
        Step("chain-rule", sp.Subs(sp.Derivative(kl_sigma, sigma) * sigma / 2, sigma, sp.exp(v / 2)), grad_v,
             "dKL/dv = dKL/dσ · dσ/dv with dσ/dv = σ/2 agrees with the v-form"),
    )  # fmt: skip
    names = {"value-unchanged": "the KL in v", "inverse-map": "back in σ", "onto-positive-reals": "exp(ℝ)",
             "one-to-one": "exp is increasing", "grad-logvar": "∂KL/∂v", "grad-mean": "∂KL/∂μ",
             "chain-rule": "∂KL/∂v by the chain rule"}  # fmt: skip
    as_log_std = sp.Subs(kl_sigma, sigma, sp.exp(v))
    wrong = Step("exp-of-log-std", as_log_std, (sp.exp(2 * v) + mu**2 - 1 - 2 * v) / 2,
                 "σ = exp(v) (v read as log σ): σ² = exp(2v), log σ² = 2v")  # fmt: skip
    return (
        Claim(
            id="logvar-parameterisation",
            title="σ² = exp(v): any real output is a valid variance, and the KL keeps its value",
            conclusions=tuple(
                Conclusion(st.lhs, st.rhs, st.relation, chain=(st.name,), name=names[st.name]) for st in steps
            ),
            steps=steps,
            uses=("gaussian-kl-standard",),
            lecture_times=("26:19",),
            references=(KINGMA_WELLING, PYTORCH_EXAMPLES),
            impl=("impl.gaussian_kl", "impl.reparameterize_kl"),
        ),
        Claim(
            id="kl-logvar-read-as-log-std",
            title="Refuted: the log-variance KL formula stays valid if v is read as log σ instead of log σ²",
            conclusions=(
                Conclusion(as_log_std, kl_v, holds=False, name="the v-formula with σ = exp(v)"),
                Conclusion(wrong.lhs, wrong.rhs, chain=(wrong.name,), name="what σ = exp(v) really gives"),
            ),
            steps=(wrong,),
            uses=("gaussian-kl-standard",),
            lecture_times=("26:19",),
            references=(KINGMA_WELLING,),
        ),
    )
