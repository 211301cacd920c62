"""Block pictures: drawn from the package's real blocks, failing clearly."""

import pytest

import cnnarch
from cnnarch import diagrams


def test_draw_block_draws_the_real_block():
    image = diagrams.draw_block(
        cnnarch.resnet.bottleneck_block, (8, 8, 16), 4, strides=2
    )
    assert image.data[:8] == b"\x89PNG\r\n\x1a\n"  # a PNG file, from dot
    model = diagrams.block_model(
        cnnarch.resnet.bottleneck_block, (8, 8, 16), 4, strides=2
    )
    # the block's own layer names, under the prefix, and its projection
    names = [layer.name for layer in model.layers]
    assert "block_0_conv" in names and "block_add" in names
    assert model.output.shape[1:] == (4, 4, 16)


@pytest.mark.parametrize(
    "call, exception",
    [
        (lambda: diagrams.draw_block("conv", (8, 8, 3)), TypeError),
        (
            lambda: diagrams.block_model(cnnarch.vgg_block, (8, 8), 4, 1),
            ValueError,
        ),
        (
            lambda: diagrams.block_model(cnnarch.vgg_block, (8, 8, 0), 4, 1),
            ValueError,
        ),
        (lambda: diagrams.draw_model("model"), TypeError),
    ],
)
def test_bad_arguments_fail_before_building(call, exception, no_layers):
    with pytest.raises(exception):
        call()
