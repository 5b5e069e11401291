"""What the Gaussian KL is not: the reversed direction, log σ for log σ², and the paper's sign read as +KL.

Each claim states the viewer's or the slide's statement as a false conclusion, refuted by a counterexample
inside its domain, beside the true version with its chain. All quantities are +KL in nats; Kingma & Welling
(2013), Appendix B, print -KL = 1/2 Σ_j (1 + log σ_j² - μ_j² - σ_j²), which the loss must negate.
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.gaussian_kl import KINGMA_WELLING, from_integral, general_kl, kl_integral, standard_kl
from derivations.claims.moments import normal_pdf, standard_normal_pdf
from derivations.core import Claim, Conclusion, Step
from derivations.symbols import D, j, mu, mu_j, sigma, sigma_j, z

COVER_THOMAS = "Cover & Thomas (2006), Elements of Information Theory, 2nd ed., §2.3 (KL is not symmetric)"
BISHOP = "Bishop (2006), Pattern Recognition and Machine Learning, §1.6.1, eq. (1.113)"
PYTORCH_EXAMPLES = "pytorch/examples, vae/main.py, loss_function: the comment shows -KL, the code returns +KL"


def _bracket_sums() -> tuple[sp.Sum, sp.Sum]:
    """Σ_{j ≤ D} (1 + log σ_j² - μ_j² - σ_j²) (Kingma & Welling's bracket) and Σ_{j ≤ D} KL_j (+KL)."""
    bracket = sp.Sum(1 + sp.log(sigma_j[j] ** 2) - mu_j[j] ** 2 - sigma_j[j] ** 2, (j, 1, D))
    return bracket, sp.Sum(standard_kl(mu_j[j], sigma_j[j]), (j, 1, D))


def claims() -> tuple[Claim, ...]:
    q, p = normal_pdf(z, mu, sigma), standard_normal_pdf(z)
    reverse = from_integral(p, q, general_kl(0, 1, mu, sigma), z)
    swapped = Claim(
        id="kl-direction-swapped",
        title="Refuted: KL(p || q) = KL(q || p) (the divergence is not symmetric)",
        conclusions=(
            Conclusion(
                kl_integral(p, q, z),
                general_kl(0, 1, mu, sigma),
                chain=("expand-log-ratio", "integrate"),
                name="KL(N(0, 1) || N(μ, σ²)), from the integral",
            ),
            Conclusion(
                general_kl(0, 1, mu, sigma),
                standard_kl(mu, sigma),
                holds=False,
                name="KL(p || q) = KL(q || p): the two closed forms agree",
            ),
        ),
        steps=reverse,
        uses=("gaussian-kl-general", "gaussian-kl-standard"),
        lecture_times=("11:00",),
        references=(BISHOP, COVER_THOMAS),
    )
    variant = (sigma**2 + mu**2 - 1 - sp.log(sigma)) / 2
    gap = Step("variant-gap", variant - standard_kl(mu, sigma), sp.log(sigma) / 2,
               "the variant minus the KL is (log σ² - log σ)/2 = log(σ)/2: zero only at σ = 1",
               tactics=("expand_log", "simplify"))  # fmt: skip
    log_sigma = Claim(
        id="kl-log-sigma-variant",
        title="Refuted: the Gaussian KL with log σ in place of log σ²",
        conclusions=(
            Conclusion(kl_integral(q, p, z), variant, holds=False, name="the variant is the KL"),
            Conclusion(gap.lhs, gap.rhs, chain=(gap.name,), name="it is off by log(σ)/2"),
        ),
        steps=(gap,),
        uses=("gaussian-kl-standard",),
        references=(KINGMA_WELLING,),
    )
    bracket, kl = _bracket_sums()
    one = 1 + sp.log(sigma**2) - mu**2 - sigma**2  # the bracket of one dimension
    sign_steps = (
        Step("minus-half-bracket-is-kl", -bracket / 2, kl, "-1/2 Σ_j (1 + log σ_j² - μ_j² - σ_j²) = Σ_j KL_j",
             tactics=("simplify",)),
        Step("half-bracket-is-minus-kl", bracket / 2, -kl, "+1/2 Σ_j (...) = -Σ_j KL_j, the paper's -KL",
             tactics=("simplify",)),
    )  # fmt: skip
    sign = Claim(
        id="kl-sign-flipped",
        title="Refuted: 1/2 Σ(1 + log σ² - μ² - σ²) is the KL, for any D (it is -KL; the loss adds +KL)",
        conclusions=(
            Conclusion(-bracket / 2, kl, chain=("minus-half-bracket-is-kl",), name="-1/2 Σ(...) is +KL"),
            Conclusion(bracket / 2, -kl, chain=("half-bracket-is-minus-kl",), name="+1/2 Σ(...) is -KL"),
            Conclusion(
                one / 2,
                standard_kl(mu, sigma),
                holds=False,
                name="the comment's +1/2 Σ(...) read as +KL (refuted at D = 1, so for the sum over any D)",
            ),
        ),
        steps=sign_steps,
        uses=("gaussian-kl-standard",),
        lecture_times=("12:23",),
        references=(KINGMA_WELLING, PYTORCH_EXAMPLES),
    )
    return swapped, log_sigma, sign
