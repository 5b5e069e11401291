"""One training step of pytorch/examples' MNIST VAE (``vae/main.py``), with four losses: what the kernels
are worth in a real loop.

The model is pytorch/examples' ``VAE`` (784-400-20, ReLU, one hidden layer each way) with Adam at
lr 1e-3, as in its ``train()``: ``zero_grad``, forward, loss summed over the batch, ``backward``, ``step``.
Each variant builds its own model from the same seed, so all start from the same weights:

- ``eager``: pytorch/examples as written: a sigmoid decoder, ``binary_cross_entropy`` + its KL.
- ``bce_logits``: the decoder's logits, ``binary_cross_entropy_with_logits`` + the same KL.
- ``impl``: the logits, ``impl.reparameterize_kl`` for z and the KL in one pass, ``impl.bernoulli_nll``
  (as ``impl.VAE.loss`` computes it); ``pure``: the same on impl's pure-PyTorch path.
"""

from __future__ import annotations

import contextlib
import dataclasses

import torch
import torch.nn.functional as F
from torch import Tensor, nn

import impl
from impl import _native

HIDDEN, LATENT, PIXELS = 400, 20, 784
LR = 1e-3


class ExamplesVAE(nn.Module):
    """pytorch/examples' VAE; ``decode`` returns logits (the eager variant applies its sigmoid)."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(PIXELS, HIDDEN)
        self.fc21 = nn.Linear(HIDDEN, LATENT)
        self.fc22 = nn.Linear(HIDDEN, LATENT)
        self.fc3 = nn.Linear(LATENT, HIDDEN)
        self.fc4 = nn.Linear(HIDDEN, PIXELS)

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor]:
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def decode(self, z: Tensor) -> Tensor:
        logits: Tensor = self.fc4(F.relu(self.fc3(z)))
        return logits


def eager_reparameterize(mu: Tensor, logvar: Tensor) -> Tensor:
    std = torch.exp(0.5 * logvar)
    return mu + torch.randn_like(std) * std


def naive_kl(mu: Tensor, logvar: Tensor) -> Tensor:
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())


def loss(which: str, model: ExamplesVAE, x: Tensor) -> Tensor:
    """-ELBO in nats summed over the batch, as variant ``which`` computes it (one z per sample)."""
    mu, logvar = model.encode(x)
    if which in ("impl", "pure"):
        z, kl = impl.reparameterize_kl(mu, logvar)
        out: Tensor = (impl.bernoulli_nll(model.decode(z), x) + kl).sum()
        return out
    logits = model.decode(eager_reparameterize(mu, logvar))
    if which == "eager":
        return F.binary_cross_entropy(torch.sigmoid(logits), x, reduction="sum") + naive_kl(mu, logvar)
    return F.binary_cross_entropy_with_logits(logits, x, reduction="sum") + naive_kl(mu, logvar)


def model_and_optimizer(device: str, seed: int = 0) -> tuple[ExamplesVAE, torch.optim.Adam]:
    torch.manual_seed(seed)
    model = ExamplesVAE().to(device)
    return model, torch.optim.Adam(model.parameters(), lr=LR)


@dataclasses.dataclass
class TrainStep:
    """``step(x)``: one Adam step of ``model`` on a batch x (B, 784) with variant ``which``'s loss."""

    which: str
    model: ExamplesVAE
    optimizer: torch.optim.Adam

    def __call__(self, x: Tensor) -> Tensor:
        self.optimizer.zero_grad()
        with _native.pure() if self.which == "pure" else contextlib.nullcontext():
            value = loss(self.which, self.model, x)
            value.backward()
        self.optimizer.step()
        return value.detach()


def step(which: str, device: str) -> TrainStep:
    """A training step of variant ``which`` with its own model and optimiser (same initial weights)."""
    return TrainStep(which, *model_and_optimizer(device))
