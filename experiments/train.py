"""Training impl.VAE under the lecture's three objectives, with one seed, one architecture, one data stream.

The objectives (negative ELBO of Kingma & Welling 2013, eq. 3, and its two terms; nats per image, mean over
the batch, minimised with Adam):
    "kl-only":             KL(q_phi(z|x) || N(0, I))
    "reconstruction-only": E_q[-log p_theta(x|z)]              (the neg. ELBO with beta = 0)
    "both":                E_q[-log p_theta(x|z)] + KL(q_phi(z|x) || N(0, I))
"kl-only" does not involve the decoder theta at all, so any theta minimises it; theta is given its best
response (the reconstruction term on codes detached from phi), so the reconstructions reported for it are
the best any decoder can do with those codes. The encoder phi is trained by the KL alone.
"""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import torch
from torch import Tensor
from tqdm import tqdm

from impl import VAE, VAEConfig, bernoulli_nll, gaussian_kl, neg_elbo, reparameterize

#: The objectives, in the order of the lecture's figure as viewers describe it (19:17, 20:35).
OBJECTIVES = ("kl-only", "reconstruction-only", "both")


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings shared by the three objectives."""

    steps: int = 6000  # Adam steps per objective
    batch_size: int = 128  # images per step, drawn with replacement
    lr: float = 1e-3  # Adam learning rate
    seed: int = 0  # seeds the weights, the batches and every eps


def check_objective(objective: object) -> str:
    """``objective`` if it names one of OBJECTIVES; ValueError naming the choices otherwise."""
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    return str(objective)


def objective_loss(objective: str, model: VAE, x: Tensor, generator: torch.Generator) -> Tensor:
    """The scalar loss of ``objective`` on the batch x (B, D): nats per image, mean over the batch."""
    check_objective(objective)
    mu, logvar = model.encode(x)  # (B, 2), (B, 2)
    z = reparameterize(mu, logvar, generator=generator)  # (B, 2)
    if objective == "both":
        return neg_elbo(x, model.decode(z), mu, logvar, likelihood="bernoulli", reduction="mean")
    if objective == "reconstruction-only":
        return neg_elbo(x, model.decode(z), mu, logvar, likelihood="bernoulli", beta=0.0, reduction="mean")
    # "kl-only": the encoder sees the KL alone, the decoder its best response on detached codes
    return gaussian_kl(mu, logvar).mean() + bernoulli_nll(model.decode(z.detach()), x).mean()


def train(
    objective: str, x_train: np.ndarray, model_config: VAEConfig, config: TrainConfig, progress: bool = True
) -> VAE:
    """A VAE trained on x_train (N, D) in [0, 1] under ``objective``; a tqdm bar on stderr if ``progress``."""
    check_objective(objective)
    torch.manual_seed(config.seed)  # the initial weights: identical for the three objectives
    model = VAE(model_config)
    generator = torch.Generator().manual_seed(config.seed)  # batches and eps
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
    data = torch.from_numpy(x_train)
    steps = tqdm(
        range(1, config.steps + 1),
        desc=f"{objective:>20}",
        unit="step",
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
    )
    for step in steps:
        index = torch.randint(len(data), (config.batch_size,), generator=generator)
        loss = objective_loss(objective, model, data[index], generator)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        if progress and (step % 100 == 0 or step == config.steps):
            steps.set_postfix_str(f"loss {loss.item():8.3f} nats", refresh=False)
    model.eval()
    return model
