"""The lecture's three-panel ablation on sklearn's digits, checked on one quick run (shared by this module).

Expected (Kingma & Welling 2013, eq. 3 and its two terms): KL only collapses every posterior onto the prior
and the decoder to the data mean; reconstruction only gives peaky posteriors spread far from N(0, I); both
gives overlapping posteriors that still carry the digit, in between.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib.image
import numpy as np
import pytest
import torch

from experiments import ablation, metrics
from experiments.data import load_digits_images
from experiments.train import OBJECTIVES, TrainConfig, objective_loss, train
from impl import VAE, VAEConfig, bernoulli_nll, gaussian_kl


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    directory = tmp_path_factory.mktemp("ablation")
    status = ablation.main(["--quick", "--no-progress", "--json", str(directory / "quick.json")])
    assert status == 0
    assert sorted(p.name for p in directory.iterdir()) == ["quick.json", "quick.png"], "no temporary file"
    return json.loads((directory / "quick.json").read_text()), directory / "quick.png"


@pytest.fixture(scope="module")
def m(quick_run: tuple[dict[str, Any], Path]) -> dict[str, dict[str, Any]]:
    return quick_run[0]["objectives"]


def data_mean_nll() -> float:
    """Oracle: the held-out Bernoulli NLL of the constant decoder that outputs the training pixel mean."""
    images = load_digits_images(seed=TrainConfig.seed)
    p = np.clip(images.x_train.astype(np.float64).mean(0), 1e-12, 1 - 1e-12)
    x = images.x_test.astype(np.float64)
    return float(-(x * np.log(p) + (1 - x) * np.log(1 - p)).sum(1).mean())


def test_kl_only_collapses_every_posterior_onto_the_prior(m: dict[str, dict[str, Any]]) -> None:
    kl_only = m["kl-only"]
    assert kl_only["kl_per_dim_mean"] < 1e-3
    assert kl_only["active_units"] == 0
    assert max(kl_only["posterior_mean_variance"]) < 1e-3
    np.testing.assert_allclose(kl_only["posterior_variance"], [1.0, 1.0], atol=0.02)


def test_kl_only_reconstructs_every_image_as_the_data_mean(m: dict[str, dict[str, Any]]) -> None:
    kl_only = m["kl-only"]
    assert kl_only["recon_to_data_mean_max_abs"] < 0.05  # pixels in [0, 1]
    assert kl_only["recon_nll"] == pytest.approx(data_mean_nll(), rel=0.01)
    assert kl_only["knn_accuracy"] < 0.2  # the digit from a code: chance is 0.1


def test_reconstruction_only_gives_peaky_posteriors_spread_away_from_the_prior(
    m: dict[str, dict[str, Any]],
) -> None:
    recon = m["reconstruction-only"]
    assert recon["posterior_variance_mean"] < 1e-2  # far below the prior's 1
    assert recon["code_second_moment"] > 3.0  # E[z^2] over the aggregate posterior; 1 under N(0, I)
    assert recon["active_units"] == 2
    assert recon["code_confusion"] < 0.05  # a code points back to its own image
    assert recon["recon_nll"] < data_mean_nll() - 3.0


def test_both_terms_give_a_structured_overlapping_code_space_in_between(m: dict[str, dict[str, Any]]) -> None:
    kl_only, recon, both = m["kl-only"], m["reconstruction-only"], m["both"]
    for key in ("kl_per_dim_mean", "code_confusion"):
        assert sorted([kl_only[key], both[key], recon[key]], reverse=key == "code_confusion") == [
            kl_only[key],
            both[key],
            recon[key],
        ], key
    assert (
        recon["posterior_variance_mean"]
        < both["posterior_variance_mean"]
        < kl_only["posterior_variance_mean"]
    )
    assert recon["recon_nll"] < both["recon_nll"] < kl_only["recon_nll"]
    assert both["active_units"] == 2
    assert both["knn_accuracy"] > 0.4  # structured: the digit can be read off a sampled code
    assert both["code_confusion"] > 0.3  # overlapping: many codes lie nearer another image's posterior mean
    assert 0.5 < both["code_second_moment"] < 2.0  # the aggregate posterior stays near N(0, I)'s scale


def test_the_full_objective_has_the_best_heldout_elbo(m: dict[str, dict[str, Any]]) -> None:
    assert m["both"]["heldout_elbo"] > max(
        m["kl-only"]["heldout_elbo"], m["reconstruction-only"]["heldout_elbo"]
    )


def test_figure_is_a_three_panel_png_with_a_caption_naming_each_panel_by_its_metrics(
    quick_run: tuple[dict[str, Any], Path],
) -> None:
    results, png = quick_run
    height, width, _ = matplotlib.image.imread(png).shape
    assert width > 2 * height  # three square panels side by side
    lines = results["caption"].splitlines()
    # the position and objective come from the panel order, the words from that panel's measured metrics
    assert lines[0].startswith("Left, KL term only")
    assert "every posterior is the prior" in lines[0]
    assert lines[1].startswith("Middle, reconstruction term only")
    assert "peaky" in lines[1]
    assert lines[2].startswith("Right, both terms")
    assert "overlap" in lines[2]


def test_results_record_the_run(quick_run: tuple[dict[str, Any], Path]) -> None:
    results, _ = quick_run
    assert list(results["objectives"]) == list(OBJECTIVES)
    assert results["quick"] is True
    assert results["train_config"]["steps"] == ablation.QUICK_STEPS
    assert results["data"] == {
        "source": "sklearn.datasets.load_digits",
        "n_train": 1797 - 359,
        "n_heldout": 359,  # round(0.2 * 1797)
        "image_shape": [8, 8],
    }
    assert results["gap"]["identity"]["max_abs_residual"] < 1e-10


def test_same_seed_gives_the_same_metrics_and_another_seed_others() -> None:
    images = load_digits_images(seed=0)
    model_config = VAEConfig(x_dim=64, hidden_dim=32, z_dim=2)

    def short_run(seed: int) -> dict[str, Any]:
        model = train("both", images.x_train, model_config, TrainConfig(steps=50, seed=seed), progress=False)
        return metrics.evaluate(model, images, seed=seed)

    first = short_run(0)
    assert short_run(0) == first
    assert short_run(1) != first


def test_progress_is_a_tqdm_bar_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    x = load_digits_images(seed=0).x_train
    train("both", x, VAEConfig(x_dim=64, hidden_dim=8, z_dim=2), TrainConfig(steps=100), progress=True)
    err = capsys.readouterr().err
    assert "both: 100%" in err
    assert "100/100" in err
    assert "loss" in err


def test_unknown_objective_is_a_value_error_naming_the_choices() -> None:
    images = load_digits_images(seed=0)
    with pytest.raises(ValueError, match="objective must be one of"):
        train("elbo", images.x_train, VAEConfig(x_dim=64, hidden_dim=8, z_dim=2), TrainConfig(steps=1))
    with pytest.raises(ValueError, match="kl-only"):
        objective_loss("kl", None, None, None)  # type: ignore[arg-type]


def test_kl_only_trains_the_encoder_by_the_kl_alone_and_the_decoder_by_reconstruction() -> None:
    x = torch.from_numpy(load_digits_images(seed=0).x_train[:16])
    model = VAE(VAEConfig(x_dim=64, hidden_dim=8, z_dim=2))
    objective_loss("kl-only", model, x, torch.Generator().manual_seed(0)).backward()
    with torch.no_grad():  # oracle: z by hand from the same eps, a constant for the decoder
        mu, logvar = model.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=torch.Generator().manual_seed(0))
    phi, theta = list(model.encoder.parameters()), list(model.decoder.parameters())
    expected_phi = torch.autograd.grad(gaussian_kl(*model.encode(x)).mean(), phi)
    expected_theta = torch.autograd.grad(bernoulli_nll(model.decode(z), x).mean(), theta)
    for p, expected in zip(phi + theta, expected_phi + expected_theta, strict=True):
        torch.testing.assert_close(p.grad, expected)
