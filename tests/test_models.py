import pytest

from cnnlab import layer_math as lm
from cnnlab import models


def test_lenet5_shapes_and_parameters_follow_the_paper():
    model = models.lenet5()
    shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in model.layers}
    assert shapes == {"pad_to_32": (32, 32, 1), "C1": (28, 28, 6), "S2": (14, 14, 6),
                      "C3": (10, 10, 16), "S4": (5, 5, 16), "C5": (1, 1, 120),
                      "flatten": (120,), "F6": (84,), "output": (10,)}
    expected = (lm.conv_params(5, 1, 6) + lm.conv_params(5, 6, 16) + lm.conv_params(5, 16, 120)
                + lm.dense_params(120, 84) + lm.dense_params(84, 10))
    assert model.count_params() == expected == 61_706
    assert model.get_layer("C1").activation.__name__ == "tanh"
    assert type(model.get_layer("S2")).__name__ == "AveragePooling2D"


def test_modern_lenet_switches():
    model = models.lenet5("relu", "max")
    assert model.get_layer("C3").activation.__name__ == "relu"
    assert type(model.get_layer("S4")).__name__ == "MaxPooling2D"
    assert model.count_params() == 61_706 and model.name == "lenet5_relu_max"


@pytest.mark.parametrize("kwargs, message", [({"activation": "sigmoid"}, "activation must be"),
                                             ({"pooling": "min"}, "pooling must be")])
def test_lenet5_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        models.lenet5(**kwargs)


def test_baselines():
    assert models.mlp().count_params() == lm.dense_params(784, 256) + lm.dense_params(256, 10)
    assert models.seed_convnet().count_params() == 824_970
    assert models.seed_convnet().output_shape == (None, 10)


def test_feature_extractor_sequential_and_functional():
    import keras
    import numpy as np

    seq = models.lenet5("relu", "max")
    probe = models.feature_extractor(seq, ["C1", "S4"])
    c1, s4 = probe(np.zeros((2, 28, 28, 1), "float32"))
    assert c1.shape == (2, 28, 28, 6) and s4.shape == (2, 5, 5, 16)
    inp = keras.Input((8, 8, 3))
    out = keras.layers.Conv2D(4, 3, name="conv")(inp)
    functional = keras.Model(inp, keras.layers.GlobalAveragePooling2D()(out))
    maps = models.feature_extractor(functional, ["conv"])(np.zeros((1, 8, 8, 3), "float32"))
    assert maps.shape == (1, 6, 6, 4)
    with pytest.raises(ValueError, match=r"has no layers \['C9'\]"):
        models.feature_extractor(seq, ["C9"])


def test_lenet5_shift_augments_only_in_training():
    import numpy as np

    model = models.lenet5("relu", "max", shift=0.1)
    assert model.layers[0].name == "shift" and model.count_params() == 61_706
    x = np.random.default_rng(0).uniform(size=(2, 28, 28, 1)).astype("float32")
    shift = model.get_layer("shift")
    np.testing.assert_array_equal(np.asarray(shift(x, training=False)), x)
    assert not np.allclose(np.asarray(shift(x, training=True)), x)


def test_seed_cifar_cnn_is_the_source_model():
    model = models.seed_cifar_cnn()
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers]
    assert shapes[:4] == [(32, 32, 128), (16, 16, 128), (14, 14, 128), (7, 7, 128)]
    assert shapes[-3:] == [(512,), (64,), (10,)]
    expected = (lm.conv_params(3, 3, 128) + lm.conv_params(3, 128, 128)
                + lm.conv_params(2, 128, 64) + lm.conv_params(2, 64, 32)
                + lm.conv_params(2, 32, 32) + lm.dense_params(512, 64) + lm.dense_params(64, 10))
    assert model.count_params() == expected == 229_834


def test_cifar_resnet9_layout():
    model = models.cifar_resnet9(8)
    assert model.output_shape == (None, 10)
    assert model.get_layer("stage1_add").output.shape[1:] == (16, 16, 16)
    assert model.get_layer("stage3_add").output.shape[1:] == (4, 4, 64)
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert len(convs) == 8 and all(not c.use_bias for c in convs)  # ResNet-9: 8 convs + dense
    plain = models.cifar_resnet9(8, batch_norm=False)
    assert not [layer for layer in plain.layers if "BatchNorm" in type(layer).__name__]
    assert all(layer.use_bias for layer in plain.layers if type(layer).__name__ == "Conv2D")


def test_cifar_vgg_layout_and_parameters():
    model = models.cifar_vgg(16, (1, 2))
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert [c.name for c in convs] == ["block1_1_conv", "block2_1_conv", "block2_2_conv"]
    assert [c.filters for c in convs] == [16, 32, 32]
    assert model.get_layer("block2_pool").output.shape[1:] == (8, 8, 32)
    bn = 4 * (16 + 32 + 32)  # gamma, beta and the two running statistics per channel
    expected = (lm.conv_params(3, 3, 16, bias=False) + lm.conv_params(3, 16, 32, bias=False)
                + lm.conv_params(3, 32, 32, bias=False) + bn + lm.dense_params(32, 10))
    assert model.count_params() == expected and model.name == "vgg4_w16"
    plain = models.cifar_vgg(16, (1, 2), batch_norm=False)
    assert not [layer for layer in plain.layers if "BatchNorm" in type(layer).__name__]
    assert plain.count_params() == expected - bn + 16 + 32 + 32  # biases instead
    with pytest.raises(ValueError, match="blocks must be positive"):
        models.cifar_vgg(16, (1, 0))


def _trainable(model):
    from cnnlab.costs import trainable_count

    return trainable_count(model)


def _cifar_resnet_by_formula(n, projection=False, w=16):
    """Weights of He et al.'s CIFAR ResNet with 6n + 2 layers (stages of w, 2w and 4w filters):
    convolutions without bias, batch norm's scale and shift after each, the 4w -> 10
    classifier."""
    convs = [(3, w)] + [(w, w)] * 2 * n + [(w, 2 * w)] + [(2 * w, 2 * w)] * (2 * n - 1) \
        + [(2 * w, 4 * w)] + [(4 * w, 4 * w)] * (2 * n - 1)
    weights = sum(lm.conv_params(3, a, b, bias=False) + 2 * b for a, b in convs)
    if projection:  # 1x1 convolutions with batch norm where stages 2 and 3 widen
        weights += (lm.conv_params(1, w, 2 * w, bias=False) + 4 * w
                    + lm.conv_params(1, 2 * w, 4 * w, bias=False) + 8 * w)
    return weights + lm.dense_params(4 * w, 10)


@pytest.mark.parametrize("depth, paper", [(20, 0.27), (32, 0.46), (44, 0.66), (56, 0.85),
                                          (110, 1.7)])
def test_cifar_resnets_match_the_paper(depth, paper):
    model = models.cifar_resnet(depth)
    n = (depth - 2) // 6
    weights = _trainable(model)
    assert weights == _cifar_resnet_by_formula(n)
    assert round(weights / 1e6, 2 if depth < 100 else 1) == paper  # the paper's Table 6
    convs = [layer for layer in model.layers if type(layer).__name__ in ("Conv2D", "Dense")]
    assert len(convs) == depth
    assert model.get_layer("stage3_block1_out").output.shape[1:] == (8, 8, 64)


def test_cifar_resnet_variants():
    assert _trainable(models.cifar_resnet(20, residual=False)) == _cifar_resnet_by_formula(3)
    plain = models.cifar_resnet(20, residual=False)
    assert not [layer for layer in plain.layers if type(layer).__name__ == "Add"]
    assert plain.name == "plain20"
    projected = models.cifar_resnet(20, shortcut="B")
    assert _trainable(projected) == _cifar_resnet_by_formula(3, projection=True)
    narrow = models.cifar_resnet(56, residual=False, width=8)  # benchmarks/bench_degradation.py
    assert _trainable(narrow) == _cifar_resnet_by_formula(9, w=8) and narrow.name == "plain56_w8"
    assert _trainable(models.cifar_resnet(20, width=8, shortcut="B")) == \
        _cifar_resnet_by_formula(3, projection=True, w=8)
    for kwargs, message in (({"depth": 21}, "depth must be 6n"), ({"shortcut": "C"}, "shortcut"),
                            ({"width": 0}, "width must be")):
        with pytest.raises(ValueError, match=message):
            models.cifar_resnet(**kwargs)


def test_option_a_shortcut_pads_zero_channels_and_round_trips(tmp_path):
    import keras
    import numpy as np

    model = models.cifar_resnet(8)
    probe = models.feature_extractor(model, ["stage2_block1_pad", "stage1_block1_out"])
    x = np.random.default_rng(0).random((2, 32, 32, 3), dtype="float32")
    padded, before = (keras.ops.convert_to_numpy(t) for t in probe(x))
    assert padded.shape == (2, 16, 16, 32)
    np.testing.assert_array_equal(padded[..., :16], before[:, ::2, ::2])
    assert not padded[..., 16:].any()
    path = tmp_path / "r8.keras"
    model.save(path)
    again = keras.models.load_model(path, compile=False)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(again(x)),
                               keras.ops.convert_to_numpy(model(x)), atol=1e-6)


@pytest.mark.parametrize("build", [lambda: models.cifar_resnet9(8), lambda: models.cifar_vgg(8),
                                   lambda: models.cifar_resnet(8, shortcut="B")])
def test_cifar_networks_batch_norm_on_the_fused_layer(build):
    import keras

    from cnnlab.batchnorm import BatchNormalization

    norms = [la for la in models.leaf_layers(build())
             if isinstance(la, keras.layers.BatchNormalization)]
    assert norms and all(type(la) is BatchNormalization for la in norms)
