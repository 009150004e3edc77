"""Batch normalisation that trains on TensorFlow's fused kernel.

Keras 3's ``BatchNormalization`` computes the batch moments and the normalisation as separate
operations on every backend. On TensorFlow's CPU build that is several passes over each
activation map, forward and backward; the ``FusedBatchNormV3`` kernel makes one. On the course's
2-core CPU, notebook 04's VGG-style network trains about twice as fast with it.
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="cnnlab")
class BatchNormalization(keras.layers.BatchNormalization):
    """Keras's layer with the same weights, configuration and results. Training on TensorFlow,
    on 4-D channels-last float32 or bfloat16 maps (mixed precision; the kernel keeps its
    statistics in float32) with no mask or renormalisation, it runs the fused kernel;
    everything else (inference, other backends) is Keras's own code.
    """

    def _fusable(self, inputs, mask) -> bool:
        return (keras.backend.backend() == "tensorflow" and mask is None and not self.renorm
                and len(inputs.shape) == 4 and self.axis in (-1, 3)
                and inputs.dtype in ("float32", "bfloat16"))

    def call(self, inputs, training=None, mask=None):
        if not (training and self.trainable and self._fusable(inputs, mask)):
            return super().call(inputs, training=training, mask=mask)
        import tensorflow as tf

        channels = inputs.shape[-1]
        outputs, mean, variance = tf.compat.v1.nn.fused_batch_norm(
            inputs, self.gamma if self.scale else tf.ones(channels),
            self.beta if self.center else tf.zeros(channels), epsilon=self.epsilon,
            data_format="NHWC", is_training=True)
        # The kernel returns the unbiased variance; Keras averages the biased one.
        n = tf.cast(tf.size(inputs) // tf.shape(inputs)[-1], variance.dtype)
        variance = variance * (n - 1) / tf.maximum(n, 1.0)
        momentum = self.momentum
        self.moving_mean.assign(self.moving_mean * momentum + mean * (1.0 - momentum))
        self.moving_variance.assign(
            self.moving_variance * momentum + variance * (1.0 - momentum))
        return outputs


def keras_twin(model):
    """The same network and weights with Keras's own ``BatchNormalization`` in place of this
    module's: to measure what the fused kernel saves."""
    def clone(layer):
        if isinstance(layer, BatchNormalization):
            return keras.layers.BatchNormalization.from_config(layer.get_config())
        return layer.__class__.from_config(layer.get_config())

    twin = keras.models.clone_model(model, clone_function=clone)
    twin.set_weights(model.get_weights())
    return twin
