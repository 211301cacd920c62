"""Pictures of blocks and models, drawn from the package's own builders.

A chapter introduces a block with a picture of the real thing: the block
function is called on a fresh input, wrapped in a model and drawn by
``keras.utils.plot_model`` (which needs ``pydot`` and Graphviz's ``dot``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras

from .checks import check_int

__all__ = ["block_model", "draw_block", "draw_model"]


def draw_model(model: keras.Model, *, dpi: int = 60, **options: Any):
    """Draw ``model`` with its layer names and shapes; an IPython ``Image``.

    ``options`` go to ``keras.utils.plot_model`` (e.g. ``rankdir="LR"``).
    """
    from IPython.display import Image  # notebooks only; not a dependency

    if not isinstance(model, keras.Model):
        raise TypeError(
            f"model must be a keras.Model, got {type(model).__name__}"
        )
    check_int("dpi", dpi, min=10, owner="draw_model")
    with tempfile.TemporaryDirectory() as folder:
        png = Path(folder) / "model.png"
        keras.utils.plot_model(
            model,
            to_file=str(png),
            show_shapes=True,
            show_layer_names=True,
            dpi=dpi,
            **options,
        )
        return Image(data=png.read_bytes(), format="png")


def draw_block(
    block: Callable[..., keras.KerasTensor],
    input_shape: tuple[int, int, int],
    *args: Any,
    name: str = "block",
    dpi: int = 60,
    **kwargs: Any,
):
    """Build ``block(inputs, *args, name=name, **kwargs)`` and draw it.

    Example: ``draw_block(cnnarch.bottleneck_block, (56, 56, 256), 64)``.
    """
    if not callable(block):
        raise TypeError(f"block must be callable, got {block!r}")
    model = block_model(block, input_shape, *args, name=name, **kwargs)
    return draw_model(model, dpi=dpi)


def block_model(
    block: Callable[..., keras.KerasTensor],
    input_shape: tuple[int, int, int],
    *args: Any,
    name: str = "block",
    **kwargs: Any,
) -> keras.Model:
    """One block on a fresh ``input_shape`` input, as a model of its own."""
    shape = tuple(input_shape)
    if len(shape) != 3:
        raise ValueError(
            "input_shape must be (height, width, channels), "
            f"got {input_shape!r}"
        )
    for side in shape:
        check_int("input_shape", side, min=1, owner="block_model")
    inputs = keras.Input(shape, name="input")
    outputs = block(inputs, *args, name=name, **kwargs)
    return keras.Model(inputs, outputs, name=name)
