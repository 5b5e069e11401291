"""The image loaders: sklearn's bundled digits and local .npz archives, with clear errors on bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from experiments.data import HELD_OUT_FRACTION, load_digits_images, load_npz_images


def test_digits_are_1797_images_in_the_unit_interval_split_as_a_partition() -> None:
    images = load_digits_images(seed=0)
    assert images.x_train.shape[1] == images.x_test.shape[1] == 64
    assert len(images.x_train) + len(images.x_test) == 1797
    assert len(images.x_test) == round(HELD_OUT_FRACTION * 1797)
    for x in (images.x_train, images.x_test):
        assert x.dtype == np.float32
        assert x.min() == 0.0
        assert x.max() == 1.0
    # the split is a partition of the dataset: together the two halves are every image exactly once
    from sklearn.datasets import load_digits

    expected = sorted(map(tuple, (load_digits().data / 16.0).astype(np.float32)))
    actual = sorted(map(tuple, np.concatenate([images.x_train, images.x_test])))
    assert actual == expected
    assert set(images.y_test) == set(range(10))


def test_same_seed_gives_the_same_split_and_another_seed_another() -> None:
    a, b, c = load_digits_images(seed=0), load_digits_images(seed=0), load_digits_images(seed=1)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    assert not np.array_equal(a.x_test, c.x_test)


def test_npz_with_uint8_images_is_scaled_by_255_and_split(tmp_path: Path) -> None:
    x = np.arange(10 * 4 * 3, dtype=np.int64).reshape(10, 4, 3).astype(np.uint8)
    np.savez(tmp_path / "a.npz", x=x, y=np.arange(10))
    images = load_npz_images(tmp_path / "a.npz")
    assert images.image_shape == (4, 3)
    expected = sorted(map(tuple, (x.reshape(10, -1) / 255.0).astype(np.float32)))
    actual = sorted(map(tuple, np.concatenate([images.x_train, images.x_test])))
    assert actual == expected
    assert len(images.x_test) == 2


def test_npz_with_keras_layout_keeps_its_split_and_unlabelled_gets_minus_one(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "m.npz", x_train=rng.random((6, 5)), x_test=rng.random((3, 5)))
    images = load_npz_images(tmp_path / "m.npz")
    assert images.x_train.shape == (6, 5)
    assert images.x_test.shape == (3, 5)
    np.testing.assert_array_equal(images.y_test, [-1, -1, -1])


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"images": np.zeros((4, 3))}, "expected key 'x'"),
        ({"x": np.zeros(4)}, "shape"),
        ({"x": np.full((4, 3), 2.0)}, r"\[0, 1\]"),
        ({"x": np.full((4, 3), np.nan)}, r"\[0, 1\]"),
        ({"x": np.zeros((4, 3), dtype=np.int32)}, "dtype"),
        ({"x": np.zeros((4, 3)), "y": np.zeros(5, dtype=int)}, "'y'"),
        ({"x_train": np.zeros((4, 3)), "x_test": np.zeros((2, 4))}, "x_test"),
    ],
    ids=["no-x", "1-d", "out-of-range", "nan", "int32", "label-length", "test-shape"],
)
def test_bad_npz_raises_value_error_naming_the_problem(
    tmp_path: Path, arrays: dict[str, np.ndarray], message: str
) -> None:
    np.savez(tmp_path / "bad.npz", **arrays)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        load_npz_images(tmp_path / "bad.npz")


def test_pickled_object_arrays_are_refused(tmp_path: Path) -> None:
    np.savez(tmp_path / "p.npz", x=np.array([{"a": 1}, {"b": 2}], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle"):
        load_npz_images(tmp_path / "p.npz")
