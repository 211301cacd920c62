"""Comparisons shared by the builder tests (test_vgg, test_resnet, test_densenet, test_xception)."""

import keras
import numpy as np


def assert_close(ours, ref) -> None:
    """Outputs agree to 1e-4 relative to the reference's largest magnitude."""
    ours, ref = (
        keras.ops.convert_to_numpy(ours),
        keras.ops.convert_to_numpy(ref),
    )
    assert ours.shape == ref.shape
    assert np.max(np.abs(ours - ref)) <= 1e-4 * max(
        1.0, float(np.max(np.abs(ref)))
    )


def counts(model: keras.Model) -> tuple[int, int, int]:
    """(total, trainable, non-trainable) parameter counts."""
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return model.count_params(), trainable, frozen
