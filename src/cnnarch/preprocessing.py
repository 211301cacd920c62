"""Input preprocessing of every family, as ``keras.applications``'
``preprocess_input``.

Three conventions cover them all (keras' ``imagenet_utils`` modes):

- ``"caffe"`` (VGG, ResNet): RGB to BGR, then subtract the ImageNet mean
  per channel, no scaling;
- ``"torch"`` (DenseNet): scale to [0, 1], subtract the ImageNet mean and
  divide by its standard deviation, per RGB channel;
- ``"tf"`` (Inception v3, Xception, MobileNet, MobileNetV2): scale
  [0, 255] to [-1, 1].

Images are channels-last arrays with values in [0, 255]. Unlike keras, the
input array is never modified in place.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .checks import check_choice

__all__ = ["FAMILY_MODES", "preprocess_input"]

#: keras.applications module -> the preprocessing mode its weights expect.
FAMILY_MODES = {
    "vgg16": "caffe",
    "vgg19": "caffe",
    "resnet": "caffe",
    "resnet50": "caffe",
    "densenet": "torch",
    "inception_v3": "tf",
    "xception": "tf",
    "mobilenet": "tf",
    "mobilenet_v2": "tf",
}
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
TORCH_MEAN = (0.485, 0.456, 0.406)
TORCH_STD = (0.229, 0.224, 0.225)


def preprocess_input(x: Any, family: str) -> np.ndarray:
    """``keras.applications.<family>.preprocess_input(x)`` on a copy of ``x``.

    ``family`` is the keras.applications module name (a key of
    ``FAMILY_MODES``). A float array keeps its dtype; anything else becomes
    float32, as in keras.
    """
    check_choice("family", family, tuple(FAMILY_MODES))
    x = np.array(x)  # a copy
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype("float32")
    mode = FAMILY_MODES[family]
    if mode == "tf":
        return x / 127.5 - 1.0
    if x.ndim < 1 or x.shape[-1] != 3:
        raise ValueError(
            f"x must have 3 channels (last axis) for {family}, got shape "
            f"{x.shape}"
        )
    if mode == "caffe":
        return x[..., ::-1] - np.asarray(CAFFE_MEAN_BGR, dtype=x.dtype)
    mean, std = (np.asarray(v, dtype=x.dtype) for v in (TORCH_MEAN, TORCH_STD))
    return (x / 255.0 - mean) / std
