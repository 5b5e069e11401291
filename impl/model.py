"""The VAE of Kingma & Welling (2013), Appendix C: MLP encoder q_phi(z|x) and decoder p_theta(x|z)."""

from __future__ import annotations

import dataclasses

from torch import Generator, Tensor, nn

from impl import _checks
from impl.loss import LIKELIHOODS, reconstruction_nll, reduce
from impl.reparameterize import reparameterize, reparameterize_kl


@dataclasses.dataclass(frozen=True)
class VAEConfig:
    """Sizes of the model; the defaults are pytorch/examples' MNIST VAE."""

    x_dim: int = 784  # data dims: a flattened 28 x 28 image
    hidden_dim: int = 400  # hidden units of the one-hidden-layer encoder and decoder
    z_dim: int = 20  # latent dims
    likelihood: str = "bernoulli"  # p_theta(x|z): "bernoulli" (decoder outputs logits) or "gaussian" (means)

    def __post_init__(self) -> None:
        for name in ("x_dim", "hidden_dim", "z_dim"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        _checks.choice("likelihood", self.likelihood, LIKELIHOODS)


class VAE(nn.Module):
    """x -> q_phi(z|x) = N(mu, diag exp(logvar)) -> z -> p_theta(x|z).

    Parameters: ``encoder`` holds phi (the recognition model), ``decoder`` holds theta (the generative
    model). ``forward(x)`` returns (decoder_out, mu, logvar); ``loss(x)`` returns -ELBO (see ``neg_elbo``).
    """

    def __init__(self, config: VAEConfig | None = None) -> None:
        super().__init__()
        self.config = config = config or VAEConfig()
        h = config.hidden_dim
        self.encoder = nn.Sequential(nn.Linear(config.x_dim, h), nn.ReLU(), nn.Linear(h, 2 * config.z_dim))
        self.decoder = nn.Sequential(nn.Linear(config.z_dim, h), nn.ReLU(), nn.Linear(h, config.x_dim))

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """(mu, logvar) of q_phi(z|x), each (B, z_dim)."""
        mu, logvar = self.encoder(x).chunk(2, dim=-1)
        return mu, logvar

    def decode(self, z: Tensor) -> Tensor:
        """Logits (Bernoulli) or means (Gaussian) of p_theta(x|z), (B, x_dim)."""
        out: Tensor = self.decoder(z)
        return out

    def forward(self, x: Tensor, generator: Generator | None = None) -> tuple[Tensor, Tensor, Tensor]:
        """(decoder_out, mu, logvar) for one z ~ q_phi(z|x) drawn with ``generator``."""
        mu, logvar = self.encode(x)
        return self.decode(reparameterize(mu, logvar, generator=generator)), mu, logvar

    def loss(
        self, x: Tensor, *, beta: float = 1.0, reduction: str = "mean", generator: Generator | None = None
    ) -> Tensor:
        """-ELBO in nats, as ``neg_elbo(x, *self(x), likelihood=config.likelihood, ...)``, with z and the KL
        from one fused ``reparameterize_kl`` pass."""
        beta = _checks.real("beta", beta, nonnegative=True)
        mu, logvar = self.encode(x)
        z, kl = reparameterize_kl(mu, logvar, generator=generator)
        nll = reconstruction_nll(x, self.decode(z), self.config.likelihood)
        return reduce(nll + beta * kl, reduction)
