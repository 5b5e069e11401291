"""Held-out metrics of a trained VAE: what each panel of the lecture's figure shows, as numbers.

All on the held-out images; KL, NLL and ELBO in nats per image (KL also per latent dimension), variances in
squared latent units. Active units follow Burda et al. (2015), Section 5.2: dimension j is active when
Var_x(E_q[z_j | x]) > 0.01, i.e. when the posterior mean moves with the image.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from experiments.data import Images
from impl import VAE, bernoulli_nll, gaussian_kl, reparameterize

#: Burda et al. (2015), Section 5.2: the activity threshold on Var_x(mu_j(x)).
ACTIVE_THRESHOLD = 0.01
#: Posterior samples per held-out image for the Monte Carlo reconstruction NLL.
NLL_SAMPLES = 10
#: Neighbours of the k-NN classifier that reads the digit class off a code z ~ q_phi(z|x).
KNN_NEIGHBOURS = 15


@torch.no_grad()
def posteriors(model: VAE, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mu, logvar) of q_phi(z|x) for each row of x (N, D): two (N, latent) float64 arrays."""
    mu, logvar = model.encode(torch.from_numpy(x))
    return mu.double().numpy(), logvar.double().numpy()


@torch.no_grad()
def evaluate(model: VAE, images: Images, seed: int) -> dict[str, Any]:
    """The metrics of ``model`` on images.x_test; Monte Carlo draws use a generator seeded with ``seed``."""
    x = torch.from_numpy(images.x_test)  # (N, D)
    mu, logvar = model.encode(x)  # (N, L), (N, L)
    kl_per_dim = [
        gaussian_kl(mu[:, j : j + 1], logvar[:, j : j + 1]).mean().item() for j in range(mu.shape[1])
    ]
    mean_variance = mu.var(dim=0, unbiased=False)  # Var_x(mu_j(x)), (L,)
    generator = torch.Generator().manual_seed(seed)
    nll = torch.stack(
        [
            bernoulli_nll(model.decode(reparameterize(mu, logvar, generator=generator)), x)
            for _ in range(NLL_SAMPLES)
        ]
    ).mean(0)  # (N,): E_q[-log p(x|z)] by NLL_SAMPLES draws
    kl = gaussian_kl(mu, logvar)  # (N,)
    x_hat = torch.sigmoid(model.decode(mu)).double().numpy()  # decoder mean at the posterior mean, (N, D)
    data_mean = images.x_train.astype(np.float64).mean(axis=0)  # (D,)
    z_train = reparameterize(*model.encode(torch.from_numpy(images.x_train)), generator=generator)
    z_test = reparameterize(mu, logvar, generator=generator)
    return {
        "kl_per_dim": kl_per_dim,
        "kl_per_dim_mean": float(np.mean(kl_per_dim)),
        "posterior_mean_variance": mean_variance.tolist(),
        "active_units": int((mean_variance > ACTIVE_THRESHOLD).sum()),
        "posterior_variance": logvar.exp().mean(0).tolist(),
        "posterior_variance_mean": logvar.exp().mean().item(),
        "code_second_moment": (mu**2 + logvar.exp()).mean().item(),  # E_x E_q[z_j^2]; 1 under N(0, I)
        "recon_nll": nll.mean().item(),
        "heldout_elbo": -(nll + kl).mean().item(),
        # the decoder that ignores z and outputs the training mean: what a code that carries nothing allows
        "data_mean_nll": bernoulli_nll(
            torch.logit(torch.from_numpy(data_mean), eps=1e-12).expand(x.shape), x.double()
        )
        .mean()
        .item(),
        "recon_to_data_mean_max_abs": float(np.abs(x_hat - data_mean).max()),
        "knn_accuracy": _knn_accuracy(z_train.numpy(), images.y_train, z_test.numpy(), images.y_test),
        "code_confusion": _confusion(z_test.double().numpy(), mu.double().numpy()),
    }


def _confusion(z: np.ndarray, mu: np.ndarray) -> float:
    """Fraction of codes z_i ~ q(z|x_i) nearer (Euclidean) to another image's posterior mean than to mu_i:
    0 when posteriors do not overlap, near 1 when they all coincide. z, mu: (N, L)."""
    nearest = NearestNeighbors(n_neighbors=1).fit(mu).kneighbors(z, return_distance=False)[:, 0]  # (N,)
    return float((nearest != np.arange(len(z))).mean())


def _knn_accuracy(
    z_train: np.ndarray, y_train: np.ndarray, z_test: np.ndarray, y_test: np.ndarray
) -> float | None:
    """Held-out accuracy of a k-NN classifier on one code z ~ q(z|x) per image (ten digits: chance 0.1).

    A sample, not the mean: it measures what the code transmits, noise included. None if unlabelled.
    """
    if (y_train < 0).any() or (y_test < 0).any():
        return None
    knn = KNeighborsClassifier(n_neighbors=KNN_NEIGHBOURS).fit(z_train, y_train)
    return float(knn.score(z_test, y_test))
