"""What a network costs: parameters, activation memory and multiply-adds, layer by layer.

The papers (AlexNet, VGG, ResNet) call multiply-adds "FLOPs"; so do these tables. Counts are
per image. Batch norm, pooling, activations and additions count no multiply-adds: like the
papers, only convolutions and fully connected layers are counted (batch norm folds into the
preceding convolution at inference).
"""

from __future__ import annotations

import math

import keras
import numpy as np

# Layers whose output is a view of their input: no new memory, no arithmetic.
VIEWS = ("Flatten", "Reshape", "InputLayer", "Dropout", "SpatialDropout2D")
# Layers with weights that the papers' multiply-add counts leave out.
UNCOUNTED_WEIGHTED = ("BatchNormalization", "LayerNormalization", "Normalization", "Rescaling")


def _per_image(shape) -> int:
    return math.prod(int(d) for d in shape[1:])


def mult_adds(layer) -> int:
    """Multiply-adds of one layer for one image (0 for layers that only select or add)."""
    kind = type(layer).__name__
    if isinstance(layer, keras.Model):
        return sum(mult_adds(inner) for inner in layer.layers)
    if kind in ("Conv2D", "Conv1D", "Conv3D"):
        c_in = layer.input.shape[-1]
        per_output = math.prod(layer.kernel_size) * c_in // layer.groups
        return _per_image(layer.output.shape) * per_output
    if kind == "DepthwiseConv2D":
        return _per_image(layer.output.shape) * math.prod(layer.kernel_size)
    if kind == "SeparableConv2D":
        c_in = layer.input.shape[-1]
        hw = math.prod(layer.output.shape[1:-1])
        depthwise = hw * c_in * layer.depth_multiplier * math.prod(layer.kernel_size)
        return depthwise + hw * c_in * layer.depth_multiplier * layer.filters
    if kind == "Conv2DTranspose":
        return (_per_image(layer.input.shape) * math.prod(layer.kernel_size) * layer.filters)
    if kind == "Dense":
        return _per_image(layer.input.shape) * layer.units
    if layer.weights and kind not in UNCOUNTED_WEIGHTED:
        raise ValueError(f"cnnlab.costs cannot count the multiply-adds of layer {layer.name!r} "
                         f"({kind}); count it by hand or extend costs.mult_adds.")
    return 0


def _leaves(model):
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _leaves(layer)
        else:
            yield layer


def cost_table(model) -> list[dict]:
    """One row per layer that produces a new tensor (the input included; views such as
    Flatten left out): output shape, activations (values per image), parameters, multiply-adds.
    Nested models are expanded into their layers."""
    rows = [{"layer": "input", "type": "Input", "output": tuple(model.inputs[0].shape[1:]),
             "activations": _per_image(model.inputs[0].shape), "params": 0, "mult_adds": 0}]
    for layer in _leaves(model):
        if type(layer).__name__ in VIEWS:
            continue
        rows.append({"layer": layer.name, "type": type(layer).__name__,
                     "output": tuple(layer.output.shape[1:]),
                     "activations": _per_image(layer.output.shape),
                     "params": layer.count_params(), "mult_adds": mult_adds(layer)})
    return rows


def totals(rows) -> dict:
    """Sums of a :func:`cost_table`'s number columns."""
    return {k: sum(r[k] for r in rows) for k in ("activations", "params", "mult_adds")}


def optimizer_state_factor(optimizer) -> int:
    """How many values per weight an optimizer keeps between steps (momentum, moments), found
    by building it on a probe variable: 0 for plain SGD, 1 for momentum, 2 for Adam."""
    probe = keras.Variable(np.zeros(1000, "float32"), name="probe")
    optimizer.build([probe])
    slots = sum(math.prod(v.shape) for v in optimizer.variables if math.prod(v.shape) > 1)
    return slots // 1000


def training_memory(params: int, activations: int, optimizer, bytes_per_value: int = 4) -> dict:
    """Bytes to train one image's worth of a network: weights, their gradients, the optimizer's
    state, the forward activations and (about the same again) their gradients backward."""
    weights = params * bytes_per_value
    forward = activations * bytes_per_value
    return {"weights": weights, "weight_gradients": weights,
            "optimizer_state": weights * optimizer_state_factor(optimizer),
            "activations_forward": forward, "activation_gradients": forward}
