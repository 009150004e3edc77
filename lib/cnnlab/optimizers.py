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


def orthogonalize(update, steps: int = 3):
    """An approximation of ``U V^T`` for ``update = U S V^T``, the matrix's singular values all
    pushed towards 1, by a few steps of Keller Jordan's quintic Newton-Schulz iteration. Its
    coefficients trade exactness for few steps: values end between about 0.5 and 1.2, not at
    1, and those far below the largest (under about 1/40 of it, with 3 steps) stay small.
    A convolution kernel (kh, kw, in, out) counts as the matrix (kh kw in, out)."""
    ops = keras.ops
    shape = ops.shape(update)
    x = ops.reshape(update, (-1, shape[-1]))
    wide = x.shape[0] <= x.shape[1]
    x = x if wide else ops.transpose(x)  # iterate on the smaller Gram matrix
    x = x / (ops.sqrt(ops.sum(ops.square(x))) + 1e-7)  # every singular value now at most 1
    for _ in range(steps):
        gram = ops.matmul(x, ops.transpose(x))
        x = 3.4445 * x + ops.matmul(-4.7750 * gram + 2.0315 * ops.matmul(gram, gram), x)
    return ops.reshape(x if wide else ops.transpose(x), shape)


@keras.saving.register_keras_serializable(package="cnnlab")
class Muon(ScaledSGD):
    """:class:`ScaledSGD` for biases, shifts and the classifier; Muon (Keller Jordan, 2024) for
    the convolution kernels, as in airbench94_muon: Nesterov momentum ``kernel_momentum``, the
    update :func:`orthogonalize`\\ d, and each kernel rescaled to norm sqrt(filters) before its
    step of ``kernel_rate`` times the learning rate. An orthogonal update changes every
    direction of a kernel by as much, whatever the size of its gradient there; the rescaling
    keeps a step's relative size fixed, so kernels need no weight decay (they get none)."""

    def __init__(self, learning_rate=0.01, *, kernel_rate=0.1, kernel_momentum=0.6, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if not kernel_rate > 0 or not 0 <= kernel_momentum < 1:
            raise ValueError(f"kernel_rate must be positive and kernel_momentum in [0, 1), got "
                             f"{kernel_rate}, {kernel_momentum}.")
        self.kernel_rate, self.kernel_momentum = kernel_rate, kernel_momentum

    def build(self, variables):
        super().build(variables)
        self.exclude_from_weight_decay([v for v in variables if len(v.shape) == 4])
        self.buffers = self.add_optimizer_variables(variables, "muon_momentum")

    def update_step(self, gradient, variable, learning_rate):
        if len(variable.shape) != 4:
            return super().update_step(gradient, variable, learning_rate)
        ops = keras.ops
        gradient = ops.convert_to_tensor(gradient)  # NumPy gradients do not mix with torch's
        buffer = self.buffers[self._get_variable_index(variable)]
        self.assign(buffer, ops.add(self.kernel_momentum * buffer, gradient))
        step = ops.add(gradient, self.kernel_momentum * buffer)  # Nesterov
        filters = variable.shape[-1]
        self.assign(variable, variable * (filters ** 0.5 / ops.sqrt(ops.sum(ops.square(variable)))))
        self.assign_sub(variable, ops.cast(learning_rate, variable.dtype) * self.kernel_rate
                        * orthogonalize(step))

    def get_config(self):
        return {**super().get_config(), "kernel_rate": self.kernel_rate,
                "kernel_momentum": self.kernel_momentum}
