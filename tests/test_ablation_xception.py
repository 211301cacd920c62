"""cnnarch.ablation_xception: the shapes, the parameter counts of each switch."""

import keras
import pytest

from cnnarch import AblationXception, cost


def output_shape(model, name):
    return tuple(model.get_layer(name).output.shape[1:])


def test_middle_flow_runs_at_a_quarter_of_the_input_side():
    model = AblationXception(middle_blocks=2)
    assert output_shape(model, "block2_add") == (6, 6, 24)
    assert output_shape(model, "block4_add") == (6, 6, 24)
    assert output_shape(model, "block5_add") == (3, 3, 48)
    assert model.count_params() == 21_826 - 2 * 2_664
    bn = [
        layer.momentum
        for layer in model.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert set(bn) == {0.9}


def test_one_middle_block_holds_three_separable_units():
    # depthwise 9*24 + pointwise 24*24 + batch norm 4*24, three times
    one = AblationXception(middle_blocks=1).count_params()
    two = AblationXception(middle_blocks=2).count_params()
    assert two - one == 3 * (9 * 24 + 24 * 24 + 4 * 24) == 2_664


def test_residual_switches():
    full = AblationXception(middle_blocks=2)
    same = AblationXception(middle_blocks=2, residual="projections")
    none = AblationXception(middle_blocks=2, residual="none")
    assert same.count_params() == full.count_params()
    # the two 1x1 projections and their batch norms: 12->24 and 24->48
    projections = (12 * 24 + 4 * 24) + (24 * 48 + 4 * 48)
    assert full.count_params() - none.count_params() == projections == 1_728
    assert "block3_add" not in [layer.name for layer in same.layers]
    assert "block2_add" in [layer.name for layer in same.layers]
    assert not any(layer.name.endswith("_add") for layer in none.layers)


@pytest.mark.parametrize("groups", [1, 4, 24])
def test_grouped_step_holds_nine_c_squared_over_g(groups):
    base = AblationXception(middle_blocks=1).count_params()
    grouped = AblationXception(middle_blocks=1, groups=groups)
    # each of 3 units: 9*24*24/g weights in place of the depthwise 9*24
    extra = 3 * (9 * 24 * 24 // groups - 9 * 24)
    assert grouped.count_params() - base == extra
    assert cost.model_macs(grouped) > 0


def test_intermediate_activation_keeps_the_weights():
    plain = AblationXception(middle_blocks=1)
    relu = AblationXception(middle_blocks=1, intermediate_activation="relu")
    assert relu.count_params() == plain.count_params()
    assert relu.get_layer("block3_sepconv1_inner_act") is not None
