"""Chapter 3's build exercise accepts a correct VGG block and rejects the
usual wrong ones with a hint."""

import pytest
from keras import layers

import cnnarch
from cnnarch.exercise_vgg_block import check_vgg_block


def block(x, filters, convs, *, relu=True, pool=layers.MaxPooling2D):
    for _ in range(convs):
        x = layers.Conv2D(
            filters, 3, padding="same", activation="relu" if relu else None
        )(x)
    return pool(2)(x)


def test_accepts_a_correct_block(capsys):
    assert check_vgg_block(block)
    assert capsys.readouterr().out.startswith("Correct:")


def test_accepts_the_package_block():
    assert check_vgg_block(
        lambda x, filters, convs: cnnarch.vgg_block(
            x, filters, convs, name="b"
        )
    )


def test_rejects_a_block_without_relu(capsys):
    assert not check_vgg_block(
        lambda x, filters, convs: block(x, filters, convs, relu=False)
    )
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and "ReLU" in out


def test_rejects_average_pooling(capsys):
    assert not check_vgg_block(
        lambda x, filters, convs: block(
            x, filters, convs, pool=layers.AveragePooling2D
        )
    )
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and "maximum" in out


def test_rejects_wrong_weights_and_wrong_shapes(capsys):
    no_bias = check_vgg_block(
        lambda x, filters, convs: layers.MaxPooling2D(2)(
            layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        )
    )
    assert not no_bias and "weights of shapes" in capsys.readouterr().out
    assert not check_vgg_block(valid_padding)
    assert "output of shape" in capsys.readouterr().out


def valid_padding(x, filters, convs):
    for _ in range(convs):
        x = layers.Conv2D(filters, 3, activation="relu")(x)
    return layers.MaxPooling2D(2)(x)


def test_an_unsolved_stub_raises():
    def stub(x, filters, convs):
        raise NotImplementedError

    with pytest.raises(NotImplementedError):
        check_vgg_block(stub)
