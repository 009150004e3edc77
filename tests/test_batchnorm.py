"""cnnlab's BatchNormalization: Keras's results, on TensorFlow's fused kernel when training."""

import keras
import numpy as np
import pytest

from cnnlab.batchnorm import BatchNormalization, keras_twin

tf = pytest.importorskip("tensorflow")
if keras.backend.backend() != "tensorflow":
    pytest.skip("the fused kernel is TensorFlow's", allow_module_level=True)


def pair(channels=3, scale=True, center=True):
    """Keras's layer and ours, built with the same random weights and statistics."""
    rng = np.random.default_rng(0)
    layers = [cls(momentum=0.9, scale=scale, center=center)
              for cls in (keras.layers.BatchNormalization, BatchNormalization)]
    weights = [rng.normal(1, 0.2, channels)] * scale + [rng.normal(0, 0.2, channels)] * center
    weights += [rng.normal(0, 0.5, channels), rng.uniform(0.5, 2, channels)]
    for layer in layers:
        layer.build((None, 5, 5, channels))
        layer.set_weights([w.astype("float32") for w in weights])
    return layers


@pytest.mark.parametrize("scale, center", [(True, True), (False, True), (True, False)])
def test_training_step_equals_keras(scale, center):
    x = tf.constant(np.random.default_rng(1).normal(2, 3, (8, 5, 5, 3)).astype("float32"))
    results = []
    for layer in pair(scale=scale, center=center):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, training=True)
            loss = tf.reduce_sum(tf.sin(y) * tf.range(1.0, 4.0))  # nonlinear: no zero gradients
        grads = tape.gradient(loss, [x, *(w.value for w in layer.trainable_weights)])
        results.append([y, *grads, layer.moving_mean, layer.moving_variance])
    for ours, theirs in zip(results[1], results[0], strict=True):
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-4, atol=1e-5)


def test_inference_equals_keras_and_training_uses_the_fused_kernel():
    keras_bn, ours = pair()
    x = np.random.default_rng(2).normal(size=(4, 5, 5, 3)).astype("float32")
    np.testing.assert_allclose(ours(x, training=False), keras_bn(x, training=False), rtol=1e-6)
    spec = tf.TensorSpec((None, 5, 5, 3), tf.float32)
    ops = {op.type for op in tf.function(lambda t: ours(t, training=True))
           .get_concrete_function(spec).graph.get_operations()}
    assert "FusedBatchNormV3" in ops
    ops = {op.type for op in tf.function(lambda t: keras_bn(t, training=True))
           .get_concrete_function(spec).graph.get_operations()}
    assert "FusedBatchNormV3" not in ops  # why this layer exists


def test_mixed_bfloat16_training_equals_keras_on_the_fused_kernel():
    from cnnlab.precision import dtype_policy

    with dtype_policy("mixed_bfloat16"):
        keras_bn, ours = pair()
    x = np.random.default_rng(5).normal(2, 3, (8, 5, 5, 3)).astype("float32")
    results = [(layer(x, training=True), layer.moving_mean, layer.moving_variance)
               for layer in (keras_bn, ours)]
    assert results[1][0].dtype == "bfloat16"
    for theirs, mine in zip(*results, strict=True):  # bf16 keeps about 3 significant digits
        np.testing.assert_allclose(np.asarray(keras.ops.cast(mine, "float32")),
                                   np.asarray(keras.ops.cast(theirs, "float32")),
                                   rtol=1e-2, atol=1e-2)
    spec = tf.TensorSpec((None, 5, 5, 3), tf.bfloat16)
    ops = {op.type for op in tf.function(lambda t: ours(t, training=True))
           .get_concrete_function(spec).graph.get_operations()}
    assert "FusedBatchNormV3" in ops


def test_other_inputs_fall_back_to_keras():
    keras_bn, ours = keras.layers.BatchNormalization(), BatchNormalization()
    x = np.random.default_rng(3).normal(size=(6, 4)).astype("float32")  # 2-D: not fusable
    np.testing.assert_allclose(ours(x, training=True), keras_bn(x, training=True), rtol=1e-5,
                               atol=1e-6)


def test_saves_and_loads_as_itself(tmp_path):
    inputs = keras.Input((5, 5, 3))
    model = keras.Model(inputs, BatchNormalization(name="bn")(inputs))
    model.layers[1].set_weights(pair()[1].get_weights())
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert type(loaded.get_layer("bn")) is BatchNormalization
    assert type(loaded.get_layer("bn")).__name__ == "BatchNormalization"  # summaries unchanged
    x = np.ones((2, 5, 5, 3), "float32")
    np.testing.assert_allclose(loaded(x), model(x), rtol=1e-6)


def test_keras_twin_swaps_the_layer_and_keeps_the_weights():
    from cnnlab import models

    model = models.cifar_vgg(4, (1, 1))
    model.get_layer("block1_1_bn").set_weights(pair(4)[1].get_weights())
    twin = keras_twin(model)
    kinds = {type(layer) for layer in twin.layers}
    assert keras.layers.BatchNormalization in kinds and BatchNormalization not in kinds
    assert BatchNormalization in {type(layer) for layer in model.layers}
    x = np.random.default_rng(4).random((3, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(twin(x, training=False), model(x, training=False), rtol=1e-5)
