"""The viewers' questions under the lecture, and the slide errors they report, each mapped to the claims
that settle it. Data only: the report (``derivations/report_parts.py``) and the README read ``QUESTIONS``.

Source: the comments in ``shared/seed/lecture-comments.txt`` (timestamps mm:ss point into the lecture). The
questions and answers here are the project's own words; nothing is quoted. ``tests/test_questions.py``
checks that every timestamp in the comments is covered and that every claim id named here exists.
"""

from __future__ import annotations

import dataclasses
import re

_TIME = re.compile(r"\d{1,2}:\d{2}")


@dataclasses.dataclass(frozen=True)
class Question:
    """One question (or reported error) from the comments.

    timestamp: where it points in the lecture, "m:ss" as the comment writes it; None if it gives none.
    question: the question, in the project's words.
    claim_ids: ids of the ledger claims (``python -m derivations --list``) that settle it.
    answer: one paragraph, in the project's words.
    reported_error: True when the comment reports an error on a slide or in the narration.
    """

    timestamp: str | None
    question: str
    claim_ids: tuple[str, ...]
    answer: str
    reported_error: bool = False

    def __post_init__(self) -> None:
        if self.timestamp is not None and not _TIME.fullmatch(self.timestamp):
            raise ValueError(f"timestamp must be 'm:ss' or None, got {self.timestamp!r}")
        if not self.claim_ids or not self.answer.strip():
            raise ValueError(f"question {self.question!r} needs at least one claim id and an answer")


_ABLATION = ("ablation-kl-only", "ablation-reconstruction-only", "ablation-both")
_SWAPPED_PANELS = (
    "With the KL term alone, every q(z|x) becomes the prior N(0, I): the codes carry nothing about x and "
    "the variance is 1, not 0. With the reconstruction term alone the model is a plain autoencoder: the "
    "variances shrink towards 0 (a 'peaky' q) and the means follow each x. Both refuted labels are ledger "
    "claims."
)

QUESTIONS: tuple[Question, ...] = (
    Question(
        "4:25",
        "Is p(x) on the slide the density of the data x or of the reconstruction x-tilde?",
        ("marginal-likelihood",),
        "Of the data: p_theta(x) is the model's density (the evidence) at an observed x, the integral of "
        "p_theta(x|z) p(z) over all codes z. The reconstruction is the decoder's output for one z, the mean "
        "of p_theta(x|z); it has no density of its own in the derivation.",
    ),
    Question(
        "4:48",
        "How is p(x) computed by the law of total probability, and what does 'no closed form' mean?",
        ("marginal-likelihood",),
        "p_theta(x) = ∫ p_theta(x|z) p(z) dz. A closed form is a finite formula in known functions. The "
        "ledger derives one for a linear decoder, where the integral is Gaussian; when the decoder's mean is "
        "a neural network of z the integrand has no such antiderivative, and quadrature over a latent space "
        "of many dimensions is out of reach. That is what intractable means here.",
    ),
    Question(
        "5:40",
        "Since p(x) cannot be computed, is the objective a lower bound on it that we maximise instead?",
        ("kl-identity", "gibbs-inequality", "elbo-bound"),
        "Yes, on log p(x): log p(x) = ELBO + KL(q(z|x) || p(z|x)) exactly, and the KL is never negative, so "
        "ELBO <= log p(x), with equality only when q is the true posterior. The ELBO needs no p(x) to "
        "evaluate.",
    ),
    Question(
        "10:47",
        "Where does log p(x) go: can it be moved to the other side when the step is not an equality?",
        ("kl-identity", "elbo-decomposition"),
        "The step is an equality. log p(x) does not depend on z, so its expectation under q(z|x) is itself, "
        "and log p(x) - KL(q(z|x) || p(z|x)) = E_q[log p(x|z)] - KL(q(z|x) || p(z)) holds for every q: "
        "moving log p(x) across is ordinary algebra. Only dropping the non-negative KL turns it into a "
        "bound.",
    ),
    Question(
        "10:48",
        "Is the objective a lower bound on p(x), and does maximising it maximise the data's likelihood?",
        ("elbo-bound", "kl-identity"),
        "It bounds log p(x) from below. Raising it over theta raises a floor under the log-likelihood; the "
        "gap is KL(q(z|x) || p(z|x)), so the likelihood itself rises only as far as that gap stays small.",
    ),
    Question(
        "11:00",
        "In variational inference q is the chosen family: why is q learned and p treated as known here?",
        ("kl-identity", "parameter-roles", "kl-direction-swapped"),
        "Both statements fit: the family of q is chosen (a Gaussian with diagonal covariance) and its "
        "parameters, the encoder weights phi, are learned. The model p_theta(x|z) p(z) is specified by us; "
        "its posterior p_theta(z|x) is the unknown that q approximates. The divergence minimised is "
        "KL(q || p(z|x)) in that order, and the order matters: the KL is not symmetric.",
    ),
    Question(
        "11:00",
        "Once log p(x) is moved, the left side is no longer the KL to minimise: why minimise the right?",
        ("kl-identity", "gibbs-inequality", "elbo-bound"),
        "For fixed theta, log p(x) is a constant in phi, so raising the ELBO over phi lowers KL(q(z|x) || "
        "p(z|x)) by exactly the same amount: minimising -ELBO minimises the KL to the posterior without ever "
        "evaluating it. Over theta the same objective also raises log p(x).",
    ),
    Question(
        "12:23",
        "Which term is the reconstruction loss and which the regulariser?",
        ("elbo-decomposition", "kl-identity", "slide-elbo-terms-swapped", "kl-sign-flipped"),
        "In -ELBO = -E_q[log p(x|z)] + KL(q(z|x) || p(z)) the first term is the reconstruction loss and the "
        "second the regulariser. In log p(x) - KL(q(z|x) || p(z|x)) the terms are the evidence and the gap "
        "of the bound: the two expressions are equal as totals, not term by term, and calling log p(x) the "
        "reconstruction is refuted in the ledger. The regulariser enters the loss as +KL; the paper's "
        "1/2 sum(1 + log sigma^2 - mu^2 - sigma^2) is -KL.",
        reported_error=True,
    ),
    Question(
        "13:09",
        "Are theta* and phi* swapped: should theta* be the generator's and phi* the recognition network's?",
        ("parameter-roles", "slide-theta-is-recognition"),
        "Yes. theta parameterises the generative model p_theta(z) p_theta(x|z) and phi the recognition "
        "network q_phi(z|x), as in Kingma & Welling (2013). The ledger tells them apart by what they do, "
        "on a model whose prior has its own parameter: the evidence log p_theta(x) changes with the "
        "decoder's and the prior's parameters and has zero derivative in phi, so the encoder cannot be the "
        "generator; and the regulariser gives the decoder's weight no gradient. Reading theta as the "
        "recognition parameter is refuted.",
        reported_error=True,
    ),
    Question(
        "14:47",
        "Does the exponent of the multivariate Gaussian p(x|z) on the slide lack a minus sign?",
        (
            "gaussian-likelihood",
            "gaussian-likelihood-missing-minus",
            "gaussian-likelihood-missing-half",
            "gaussian-likelihood-missing-scale",
        ),
        "Yes: the exponent is -||x - mu||^2 / (2 sigma^2). With a plus sign the function grows without bound "
        "and its integral diverges, so it is no density; dropping the 1/2 or the 1/(2 sigma^2) leaves a "
        "total mass of 1/sqrt(2) or 1/(sqrt(2) sigma) instead of 1. The correct form is proved normalised, "
        "and its negative log is ||x - mu||^2 / (2 sigma^2) + (D/2) log(2 pi sigma^2) for every dimension D.",
        reported_error=True,
    ),
    Question(
        "17:41",
        "Are q(z1|x) and q(z2|x) different distributions, and is z1 the mean of one?",
        ("reparameterisation-distribution", "reparameterisation-sample-is-mean"),
        "There is one distribution per input, q_phi(z|x) = N(mu(x), sigma(x)^2); z1 and z2 are two samples "
        "from it, z_i = mu + sigma eps_i. Its mean is mu(x), and a sample differs from it by sigma eps, "
        "which has variance sigma^2 > 0: a sample is not the mean.",
        reported_error=True,
    ),
    Question(
        "19:00",
        "Are the first two ablation panels shown in the order 2, 1, 3?",
        (*_ABLATION, "slide-reconstruction-only-is-prior", "slide-kl-only-is-peaky"),
        "Yes, the first two panels are swapped. " + _SWAPPED_PANELS,
        reported_error=True,
    ),
    Question(
        "19:17",
        "Is the panel without the KL term the plain autoencoder, so that the first two panels are misplaced?",
        (*_ABLATION, "slide-reconstruction-only-is-prior"),
        "Yes. " + _SWAPPED_PANELS,
        reported_error=True,
    ),
    Question(
        None,
        "With the KL term but no reconstruction term, does the network learn only the prior?",
        ("ablation-kl-only",),
        "It learns nothing from the data: the KL to N(0, I) is minimised, at zero, by q(z|x) = N(0, I) for "
        "every x, and the decoder's parameters do not appear in that loss at all.",
    ),
    Question(
        "19:57",
        "Case 2 is described as having the KL term, but its figure is labelled 'without regulariser'?",
        (*_ABLATION, "slide-kl-only-is-peaky"),
        "The label and the narration disagree because the panels are swapped. " + _SWAPPED_PANELS,
        reported_error=True,
    ),
    Question(
        "20:00",
        "Variance collapsing to zero is explained while discussing the case that has the KL term?",
        ("ablation-kl-only", "ablation-reconstruction-only", "slide-kl-only-is-peaky"),
        "The collapse belongs to the case without the KL term. With the KL term alone the optimal variance "
        "is exactly 1, and as sigma -> 0 the KL grows without bound.",
        reported_error=True,
    ),
    Question(
        "20:00",
        "What does it mean that the KL term keeps the latent density from collapsing?",
        ("gaussian-kl-standard", "ablation-reconstruction-only", "ablation-both", "kl-log-sigma-variant"),
        "Per latent dimension KL(N(mu, sigma^2) || N(0, 1)) = (mu^2 + sigma^2 - 1 - log sigma^2)/2, which "
        "tends to infinity as sigma -> 0. Reconstruction alone rewards sigma -> 0 (a deterministic code): "
        "its infimum is approached as sigma -> 0 and never attained. With the KL term in the loss a zero "
        "variance has infinite cost, and the unique optimum is the posterior's sigma > 0.",
    ),
    Question(
        "20:35",
        "How can q be peaky when only the KL term is present, and why is column 2 'no regulariser'?",
        (*_ABLATION, "slide-kl-only-is-peaky"),
        "It cannot: a peaky q is the optimum of the reconstruction term alone. " + _SWAPPED_PANELS,
        reported_error=True,
    ),
    Question(
        "24:31",
        "Why is the covariance Sigma of q(z|x) taken to be diagonal?",
        ("gaussian-kl-standard", "gaussian-kl-general"),
        "It is a modelling choice (Kingma & Welling 2013, §3): the encoder outputs one mean and one variance "
        "per latent dimension, D numbers rather than D(D + 1)/2 for a full covariance that must stay "
        "positive definite. The KL to N(0, I) then splits into a sum of 1-D terms and log det Sigma into a "
        "sum of logs.",
    ),
    Question(
        "26:18",
        "Does replacing Sigma by exp(Sigma) change the value, and what does 'numerically stable' mean?",
        ("logvar-parameterisation", "gaussian-kl-standard"),
        "Nothing in a formula is replaced: the encoder's output is read as v = log sigma^2 and sigma^2 = e^v "
        "is put into the same KL, so at equal variance the value is unchanged. Stable means any real output "
        "gives a valid variance, log sigma^2 is v exactly rather than the log of a tiny number, and no "
        "constraint or clipping is needed.",
    ),
    Question(
        "26:19",
        "Is numerical stability the real reason for exp(Sigma), or is the output simply a log-variance?",
        ("logvar-parameterisation", "reparameterisation-distribution", "kl-logvar-read-as-log-std"),
        "The output is a log-variance, and that is the main reason: a linear layer can output any real "
        "number while a variance must be positive, and exp maps the reals one-to-one onto the positive "
        "numbers. The sample is then z = mu + exp(v/2) eps. Reading the same output as log sigma instead "
        "changes the KL formula, and the ledger refutes keeping it unchanged.",
    ),
    Question(
        "26:44",
        "Is the p(x) at 26:44 meant to be p(z)?",
        ("gaussian-kl-standard",),
        "Yes: the term is the prior over codes, p(z) = N(0, I), the second argument of the KL regulariser; "
        "the lecture adds a caption to say so.",
        reported_error=True,
    ),
    Question(
        None,
        "Why is the loss the negative of the objective?",
        ("elbo-decomposition", "elbo-bound"),
        "The ELBO is to be maximised and optimisers minimise, so the loss is -ELBO = reconstruction loss + "
        "KL regulariser: the same optimum, with the gradient's sign flipped.",
    ),
    Question(
        None,
        "Is the prior the distribution of the data, and why may it be assumed to be N(0, I)?",
        ("gaussian-kl-standard", "marginal-likelihood"),
        "The prior p(z) is over the latent codes, not over x. N(0, I) is a modelling choice: a flexible "
        "decoder can map it to a complicated distribution of x, and the KL from a Gaussian q to it has a "
        "closed form.",
    ),
    Question(
        None,
        "What are theta and phi?",
        ("parameter-roles",),
        "The weights of the two networks: theta of the decoder, which defines p_theta(x|z) (and of the prior "
        "p_theta(z), if it is learned), and phi of the encoder, which defines q_phi(z|x). The means and "
        "variances are the networks' outputs, functions of x or z, not the parameters themselves.",
    ),
    Question(
        None,
        "Is the theta of p_theta(z) the theta of p_theta(x|z), and why pull q_phi(z|x) towards it?",
        ("parameter-roles", "slide-theta-is-recognition", "elbo-decomposition"),
        "theta names every parameter of the generative model p_theta(z) p_theta(x|z) (Kingma & Welling 2013, "
        "§2.1): the prior's and the decoder's are different parts of it. In the usual VAE the prior N(0, I) "
        "has none. When it has one (the ledger takes p_theta(z) = N(theta_p, 1)), only the KL term trains "
        "it, pulling the prior's mean towards the code's mean; the reconstruction term gives it no gradient "
        "and the KL term gives the decoder's weight none. It is not a p_phi(z) because it belongs to the "
        "model: it changes log p_theta(x), which no encoder parameter does.",
    ),
    Question(
        None,
        "Why is the KL divergence written as an expectation?",
        ("kl-identity", "elbo-decomposition"),
        "By definition KL(q || p) = ∫ q log(q/p) = E_q[log q - log p]. Writing it so lets log p(z|x) be "
        "split by Bayes' rule inside the expectation, which is how the ELBO identity is derived.",
    ),
    Question(
        None,
        "Why does p(x|z) output x-hat rather than a distribution like q(z|x)?",
        ("gaussian-likelihood", "bernoulli-likelihood"),
        "It outputs the parameters of a distribution: x-hat is the mean of p(x|z) = N(x-hat, s^2 I), whose "
        "negative log is ||x - x-hat||^2 / (2 s^2) plus a constant, or the probabilities of a Bernoulli, "
        "whose negative log is binary cross-entropy.",
    ),
    Question(
        None,
        "If x is observed, why is p(x) hard to compute?",
        ("marginal-likelihood",),
        "Seeing x does not give the model's density at x: p_theta(x) integrates p_theta(x|z) p(z) over every "
        "code z, and with a neural decoder that integral has no closed form.",
    ),
    Question(
        None,
        "Is p(x) a fixed number that has nothing to do with the loss?",
        ("kl-identity", "elbo-bound", "parameter-roles"),
        "For fixed theta, log p_theta(x) is constant in phi (its derivative in phi is zero), which is why "
        "the encoder can ignore it; but it depends on theta, and raising it is the goal: the loss -ELBO is "
        "an upper bound on -log p(x).",
    ),
    Question(
        None,
        "If p(x) and p(z|x) are unknown, where do p(z) and p(x|z) in the ELBO come from?",
        ("marginal-likelihood", "gaussian-likelihood", "bernoulli-likelihood"),
        "Both are chosen as the model: p(z) = N(0, I), and p_theta(x|z) a Gaussian or Bernoulli whose "
        "parameters the decoder outputs. They are not derived from p(x) by Bayes' rule; p(x) and p(z|x) "
        "follow from them.",
    ),
)
