"""Parameter, memory and multiply-add tables, checked against the formulas and Keras."""

import keras
import numpy as np
import pytest

from cnnlab import costs, models
from cnnlab import layer_math as lm

ALEXNET_SHAPES = {"conv1": (55, 55, 96), "pool1": (27, 27, 96), "conv2": (27, 27, 256),
                  "pool2": (13, 13, 256), "conv3": (13, 13, 384), "conv4": (13, 13, 384),
                  "conv5": (13, 13, 256), "pool3": (6, 6, 256), "fc6": (4096,),
                  "fc7": (4096,), "fc8": (1000,)}


def _grouped_spec():
    return [(*row, 2) if row[1] in models.ALEXNET_GROUPED else row for row in models.ALEXNET_SPEC]


def test_alexnet_formulas_match_keras_and_the_source_shapes():
    formula = lm.spec_table(models.ALEXNET_SPEC, (227, 227, 3))
    keras_rows = {layer.name: (tuple(layer.output.shape[1:]), layer.count_params())
                  for layer in models.alexnet().layers}
    assert {r["layer"]: r["output"] for r in formula} == ALEXNET_SHAPES
    for r in formula:
        assert keras_rows[r["layer"]] == (r["output"], r["params"])
    by_hand = (lm.conv_params(11, 3, 96) + lm.conv_params(5, 96, 256) + lm.conv_params(3, 256, 384)
               + lm.conv_params(3, 384, 384) + lm.conv_params(3, 384, 256)
               + lm.dense_params(6 * 6 * 256, 4096) + lm.dense_params(4096, 4096)
               + lm.dense_params(4096, 1000))
    assert sum(r["params"] for r in formula) == models.alexnet().count_params() == by_hand
    assert by_hand == 62_378_344


def test_alexnet_two_gpu_groups():
    grouped = lm.spec_table(_grouped_spec(), (227, 227, 3))
    model = models.alexnet(groups=2)
    assert sum(r["params"] for r in grouped) == model.count_params() == 60_965_224
    # each half of conv2 sees 48 of the 96 input maps
    assert model.get_layer("conv2").count_params() == 2 * lm.conv_params(5, 48, 128) == 307_456
    # the published 28,054,497 is odd; with even widths every layer's count is even
    assert all(r["params"] % 2 == 0 for r in grouped)


def test_spec_table_errors():
    with pytest.raises(ValueError, match="groups must divide"):
        lm.spec_table([("conv", "c", 10, 3, 1, 1, 4)], (8, 8, 3))
    with pytest.raises(ValueError, match="no conv or pool after the first fc"):
        lm.spec_table([("fc", "f", 10), ("pool", "p", 2, 2)], (8, 8, 3))
    with pytest.raises(ValueError, match="does not fit"):
        lm.spec_table([("conv", "c", 4, 11, 4, 0)], (8, 8, 3))
    with pytest.raises(ValueError, match="groups must be a positive whole number"):
        lm.spec_table([("conv", "c", 4, 3, 1, 1, 0)], (8, 8, 4))


@pytest.fixture(scope="module")
def vgg16_rows():
    model = keras.applications.VGG16(weights=None)
    return model, costs.cost_table(model)


def test_vgg16_table(vgg16_rows):
    model, rows = vgg16_rows
    assert model.count_params() == 138_357_544 == costs.totals(rows)["params"]
    for r in rows:
        h, w, c = r["output"] if len(r["output"]) == 3 else (1, 1, r["output"][0])
        assert r["activations"] == h * w * c
        layer = model.get_layer(r["layer"]) if r["layer"] != "input" else None
        if r["type"] == "Conv2D":
            c_in = layer.input.shape[-1]
            assert r["mult_adds"] == h * w * c * 9 * c_in
            assert r["params"] == lm.conv_params(3, c_in, c)
        elif r["type"] == "Dense":
            assert r["mult_adds"] == layer.input.shape[-1] * c
        else:
            assert r["mult_adds"] == r["params"] == 0
    total = costs.totals(rows)
    # the design source's 24M activations do not add up: its own rows sum to about 15.2M
    assert total["activations"] == 15_237_608
    assert total["mult_adds"] == 15_470_264_320  # the design source's 15.5 G multiply-adds
    assert [r["layer"] for r in rows if r["type"] == "Flatten"] == []


@pytest.mark.parametrize("optimizer, factor", [(lambda: keras.optimizers.SGD(0.1), 0),
                                               (lambda: keras.optimizers.SGD(0.1, 0.9), 1),
                                               (lambda: keras.optimizers.Adam(), 2)])
def test_optimizer_state_factor(optimizer, factor):
    assert costs.optimizer_state_factor(optimizer()) == factor


def test_optimizer_state_factor_leaves_the_optimizer_alone():
    weights = keras.Variable(np.ones(2500, "float32"))
    built = keras.optimizers.Adam(0.1)
    built.build([weights])
    assert costs.optimizer_state_factor(built) == 2  # not 5: the model's own state is not probed
    fresh = keras.optimizers.SGD(0.1, momentum=0.9)
    assert costs.optimizer_state_factor(fresh) == 1
    fresh.apply_gradients([(keras.ops.ones(2500), weights)])  # still usable for training
    assert float(keras.ops.max(weights)) < 1


def test_training_memory():
    memory = costs.training_memory(1000, 50, keras.optimizers.Adam())
    assert memory == {"weights": 4000, "weight_gradients": 4000, "optimizer_state": 8000,
                      "activations_forward": 200, "activation_gradients": 200}


def _one_layer(layer, shape):
    inputs = keras.Input(shape)
    return keras.Model(inputs, layer(inputs)).layers[-1]


@pytest.mark.parametrize("layer, shape, expected", [
    (keras.layers.Conv2D(8, 3, padding="same"), (10, 10, 4), 10 * 10 * 8 * 9 * 4),
    (keras.layers.Conv2D(8, 3, strides=2, groups=2), (11, 11, 4), 5 * 5 * 8 * 9 * 2),
    (keras.layers.DepthwiseConv2D(3, depth_multiplier=2), (6, 6, 4), 4 * 4 * 8 * 9),
    (keras.layers.SeparableConv2D(5, 3), (6, 6, 4), 4 * 4 * 4 * 9 + 4 * 4 * 4 * 5),
    (keras.layers.Conv2DTranspose(3, 2, strides=2), (4, 4, 5), 4 * 4 * 5 * 4 * 3),
    (keras.layers.Dense(7), (20,), 140),
    (keras.layers.Dense(7), (3, 20), 420),
    (keras.layers.BatchNormalization(), (4, 4, 3), 0),
    (keras.layers.MaxPooling2D(), (4, 4, 3), 0),
])
def test_mult_adds_per_layer(layer, shape, expected):
    assert costs.mult_adds(_one_layer(layer, shape)) == expected


def test_mult_adds_nested_and_unknown():
    inner = models.lenet5("relu", "max")
    inputs = keras.Input((28, 28, 1))
    outer = keras.Model(inputs, inner(inputs))
    assert costs.mult_adds(outer) == costs.mult_adds(inner) == costs.totals(
        costs.cost_table(outer))["mult_adds"]
    assert costs.mult_adds(inner) == (28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 120 * 400
                                      + 120 * 84 + 84 * 10)
    with pytest.raises(ValueError, match="cannot count the multiply-adds of layer 'emb'"):
        costs.mult_adds(_one_layer(keras.layers.Embedding(10, 4, name="emb"), (3,)))
    with pytest.raises(ValueError, match="channels_first"):
        costs.mult_adds(_one_layer(keras.layers.Conv2D(2, 3, data_format="channels_first"),
                                   (3, 8, 8)))


def test_trainable_count_leaves_out_running_statistics():
    model = models.cifar_vgg(4, (1,))
    bn = model.get_layer("block1_1_bn")
    assert costs.trainable_count(model) == model.count_params() - 2 * 4
    assert costs.trainable_count(model) == sum(layer.count_params() for layer in model.layers) - (
        bn.count_params() // 2)
