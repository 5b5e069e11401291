"""Images for the ablation: scikit-learn's bundled 8x8 digits, or a local .npz (e.g. MNIST you already have).

Pixels are scaled to [0, 1] so that the Bernoulli decoder of Kingma & Welling (2013, Appendix C.1) applies
to grey levels, as it does to MNIST in that paper. Nothing is downloaded: ``load_digits`` ships with
scikit-learn.
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import numpy as np

#: Fraction of the images held out for every reported metric and the figure.
HELD_OUT_FRACTION = 0.2


@dataclasses.dataclass(frozen=True)
class Images:
    """A train / held-out split. x: (N, D) float32 in [0, 1]; y: (N,) int64 class, -1 where unlabelled."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple[int, ...]
    source: str


def load_digits_images(seed: int = 0) -> Images:
    """scikit-learn's 1797 8x8 digits (grey levels 0..16, divided by 16), split with ``seed``."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images / 16.0).reshape(len(digits.images), -1).astype(np.float32)  # (1797, 64)
    return _split(x, digits.target.astype(np.int64), (8, 8), "sklearn.datasets.load_digits", seed)


def load_npz_images(path: str | Path, seed: int = 0) -> Images:
    """Images from a local .npz, loaded with ``allow_pickle=False``.

    Accepted keys: ``x`` (and optionally ``y``), split here with ``seed``; or ``x_train`` and ``x_test`` (and
    optionally ``y_train``, ``y_test``), the split kept as given (the layout of Keras' ``mnist.npz``).
    Images are (N, H, W) or (N, D); uint8 is divided by 255, floats must already lie in [0, 1].
    Raises ValueError naming the key and what was expected, or that the file is not an .npz archive
    (OSError if it cannot be read).
    """
    if not zipfile.is_zipfile(path):  # np.load would take any other file for a pickle, or a lone .npy
        raise ValueError(f"{path} is not an .npz archive (numpy.savez writes one)")
    with np.load(Path(path), allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    if not all(isinstance(a, np.ndarray) for a in arrays.values()):  # NpzFile returns non-.npy members raw
        raise ValueError(f"{path} is not an .npz archive: it holds files that are not numpy arrays")
    if "x" in arrays:
        x, image_shape = _to_unit_interval(arrays["x"], "x")
        y = _labels(arrays.get("y"), len(x), "y")
        return _split(x, y, image_shape, str(path), seed)
    if "x_train" in arrays and "x_test" in arrays:
        x_train, image_shape = _to_unit_interval(arrays["x_train"], "x_train")
        x_test, test_shape = _to_unit_interval(arrays["x_test"], "x_test")
        if test_shape != image_shape:
            raise ValueError(f"x_test images have shape {test_shape}, expected {image_shape} like x_train")
        y_train = _labels(arrays.get("y_train"), len(x_train), "y_train")
        y_test = _labels(arrays.get("y_test"), len(x_test), "y_test")
        return Images(x_train, y_train, x_test, y_test, image_shape, str(path))
    raise ValueError(f"{path}: expected key 'x' or keys 'x_train' and 'x_test', found {sorted(arrays)}")


def _to_unit_interval(x: np.ndarray, key: str) -> tuple[np.ndarray, tuple[int, ...]]:
    """(N, D) float32 in [0, 1] and the shape of one image; ValueError if ``x`` is not images in range."""
    if x.ndim not in (2, 3) or len(x) < 2 or x.shape[1] == 0 or x[0].size == 0:
        raise ValueError(f"'{key}' must be images of shape (N, H, W) or (N, D) with N >= 2, got {x.shape}")
    if x.dtype == np.uint8:
        scaled = x.astype(np.float32) / 255.0
    elif np.issubdtype(x.dtype, np.floating):
        scaled = x.astype(np.float32)
    else:
        raise ValueError(f"'{key}' must be uint8 (0..255) or floating point in [0, 1], got dtype {x.dtype}")
    if not np.isfinite(scaled).all() or scaled.min() < 0.0 or scaled.max() > 1.0:
        raise ValueError(f"'{key}' floating-point pixels must lie in [0, 1], got [{x.min()}, {x.max()}]")
    return scaled.reshape(len(x), -1), tuple(x.shape[1:])


def _labels(y: np.ndarray | None, n: int, key: str) -> np.ndarray:
    """Integer class labels of length ``n``, or -1 everywhere when the archive has none."""
    if y is None:
        return np.full(n, -1, dtype=np.int64)
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"'{key}' must be integer labels of shape ({n},), got {y.dtype} {y.shape}")
    return y.astype(np.int64)


def _split(x: np.ndarray, y: np.ndarray, image_shape: tuple[int, ...], source: str, seed: int) -> Images:
    """Hold out HELD_OUT_FRACTION of the images, chosen by a permutation drawn with ``seed``."""
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = max(1, round(HELD_OUT_FRACTION * len(x)))
    test, train = order[:n_test], order[n_test:]
    return Images(x[train], y[train], x[test], y[test], image_shape, source)
