"""``python -m experiments.ablation [--quick] [--json PATH] [--figure PATH] [--data NPZ] [--seed N]``

Trains impl.VAE (2-D latent space) under the three objectives of ``experiments.train`` on the same data,
seed and steps, measures each on held-out images (``experiments.metrics``), draws the three-panel figure
(``experiments.figure``) and checks the exact ELBO gap on probabilistic PCA (``experiments.gap``); all of it
goes into one JSON. The full run writes the committed ``experiments/results/``; --quick writes to ``build/``.

Bad input (an unknown option, an output path under a file or naming a directory, a ``--data`` file that is
missing, is not an .npz, holds pickled objects or images of the wrong shape) is one line on stderr and exit
status 2, before any training; both outputs are written atomically, so a failed run leaves neither.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import json
import platform
import sys
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from derivations.outputs import ArgumentParser, UsageError, fail, output_file, write_atomically
from experiments import figure, gap, metrics
from experiments.data import Images, load_digits_images, load_npz_images
from experiments.evidence import RESULT_FILE, RESULTS
from experiments.train import OBJECTIVES, TrainConfig, train
from impl import VAEConfig

#: Steps per objective of the quick run (tests, --quick); the full run uses TrainConfig's default.
QUICK_STEPS = 1500
#: Hidden width of the encoder and decoder MLPs; the latent space is 2-D so that it can be drawn.
HIDDEN, LATENT = 256, 2


def run(
    images: Images, config: TrainConfig, quick: bool, progress: bool = True
) -> tuple[dict[str, Any], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Train and measure the three objectives and run the gap check: (results, posteriors for the figure).

    Runs on one CPU thread (restored afterwards): these MLPs are too small for a second thread to help, and
    on a shared CPU its OpenMP spin-waits made training 5-10x slower (measured).
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _run(images, config, quick, progress)
    finally:
        torch.set_num_threads(threads)


def _run(
    images: Images, config: TrainConfig, quick: bool, progress: bool
) -> tuple[dict[str, Any], dict[str, tuple[np.ndarray, np.ndarray]]]:
    model_config = VAEConfig(x_dim=images.x_train.shape[1], hidden_dim=HIDDEN, z_dim=LATENT)
    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "data": {
            "source": images.source,
            "n_train": len(images.x_train),
            "n_heldout": len(images.x_test),
            "image_shape": list(images.image_shape),
        },
        "train_config": dataclasses.asdict(config),
        "model_config": dataclasses.asdict(model_config),
        "environment": {"torch": torch.__version__, "python": platform.python_version()},
        "objectives": {},
        "seconds": {},
    }
    posteriors = {}
    for objective in OBJECTIVES:
        start = time.perf_counter()
        model = train(objective, images.x_train, model_config, config, progress)
        results["objectives"][objective] = metrics.evaluate(model, images, seed=config.seed)
        posteriors[objective] = metrics.posteriors(model, images.x_test)
        results["seconds"][objective] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    results["gap"] = gap.experiment(seed=config.seed, quick=quick)
    results["seconds"]["gap"] = round(time.perf_counter() - start, 2)
    return results, posteriors


PROG = "python -m experiments.ablation"


def nonnegative_int(text: str) -> int:
    """A seed: an integer >= 0 (NumPy's generators refuse negative seeds)."""
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def load_images(data: Path | None, seed: int) -> Images:
    """sklearn's digits, or the --data archive; UsageError in one line if it cannot be used."""
    if data is None:
        return load_digits_images(seed)
    if not data.is_file():
        raise UsageError(f"--data {data}: " + ("is a directory" if data.is_dir() else "no such file"))
    try:
        return load_npz_images(data, seed)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise UsageError(f"--data {data}: {exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run, write the JSON and the figure; return the exit status."""
    parser = ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[1])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_STEPS} steps per objective (tests)")
    parser.add_argument("--json", type=Path, help="results JSON (default: experiments/results/ablation.json, "
                        "or build/ablation-quick.json with --quick)")  # fmt: skip
    parser.add_argument("--figure", type=Path, help="PNG (default: next to the JSON)")
    parser.add_argument("--data", type=Path, help="a local .npz of images instead of sklearn's digits")
    parser.add_argument("--seed", type=nonnegative_int, default=TrainConfig.seed, help="an integer >= 0")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    args = parser.parse_args(argv)
    json_path = args.json or (Path("build/ablation-quick.json") if args.quick else RESULTS / RESULT_FILE)
    figure_path = args.figure or json_path.with_suffix(".png")
    try:
        output_file(json_path, "--json")
        output_file(figure_path, "--figure")
        images = load_images(args.data, args.seed)
    except UsageError as exc:
        fail(PROG, str(exc))
    config = TrainConfig(seed=args.seed, **({"steps": QUICK_STEPS} if args.quick else {}))
    start = time.perf_counter()
    results, posteriors = run(images, config, args.quick, progress=not args.no_progress)
    png = io.BytesIO()
    results["caption"] = figure.draw(posteriors, images.y_test, results["objectives"], png)
    results["figure"] = figure_path.name
    results["seconds"]["total"] = round(time.perf_counter() - start, 2)
    write_atomically(figure_path, png.getvalue())
    write_atomically(json_path, json.dumps(results, indent=2) + "\n")
    print(results["caption"], f"\nwrote {json_path} and {figure_path} in {results['seconds']['total']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
