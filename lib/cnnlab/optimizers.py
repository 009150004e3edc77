"""Optimizers the Keras library lacks."""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="cnnlab")
class ScaledSGD(keras.optimizers.SGD):
    """SGD in which some variables learn at a multiple of the learning rate: those whose path
    ends with a key of ``rate_scales`` (e.g. ``{"beta": 64}``: batch norm's shifts, as in
    airbench). Weight decay is unchanged. PyTorch does this with parameter groups."""

    def __init__(self, learning_rate=0.01, *, rate_scales=None, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rate_scales = dict(rate_scales or {})
        if any(not s > 0 for s in self.rate_scales.values()):
            raise ValueError(f"rate scales must be positive, got {self.rate_scales}.")

    def build(self, variables):
        super().build(variables)
        self._scales = [next((s for key, s in self.rate_scales.items() if v.path.endswith(key)),
                             1.0) for v in variables]

    def update_step(self, gradient, variable, learning_rate):
        scale = self._scales[self._get_variable_index(variable)]
        super().update_step(gradient, variable, learning_rate * scale)

    def get_config(self):
        return {**super().get_config(), "rate_scales": self.rate_scales}
