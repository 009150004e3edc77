"""What a network costs: parameters, activation memory and multiply-adds, layer by layer.

The ResNet paper and the design sources call multiply-adds "FLOPs". Counts are per image.
Batch norm, pooling, activations and additions count no multiply-adds: like the papers, only
convolutions and fully connected layers are counted (batch norm folds into the preceding
convolution at inference).
"""

from __future__ import annotations

import math

import keras
import numpy as np

from .models import leaf_layers

# Layers whose output is a view of their input: no new memory, no arithmetic.
VIEWS = ("Flatten", "Reshape", "InputLayer", "Dropout", "SpatialDropout2D")
# Layers with weights that the papers' multiply-add counts leave out.
UNCOUNTED_WEIGHTED = ("BatchNormalization", "LayerNormalization", "Normalization", "Rescaling")


def _per_image(shape) -> int:
    return math.prod(int(d) for d in shape[1:])


def mult_adds(layer) -> int:
    """Multiply-adds of one layer (or a whole model) for one image (0 for layers that only
    select or add). Channels-last layout, Keras's default."""
    kind = type(layer).__name__
    if isinstance(layer, keras.Model):
        return sum(mult_adds(inner) for inner in layer.layers)
    if getattr(layer, "data_format", "channels_last") != "channels_last":
        raise ValueError(f"layer {layer.name!r} is channels_first; cnnlab.costs counts "
                         "channels_last layers (Keras's default).")
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


def trainable_count(model) -> int:
    """Learned weights only: ``count_params()`` also counts batch norm's running statistics."""
    return sum(math.prod(w.shape) for w in model.trainable_weights)


def cost_table(model) -> list[dict]:
    """One row per layer that produces a new tensor (the input included; views such as
    Flatten left out): output shape, activations (values per image), parameters, multiply-adds.
    Nested models are expanded into their layers."""
    rows = [{"layer": "input", "type": "Input", "output": tuple(model.inputs[0].shape[1:]),
             "activations": _per_image(model.inputs[0].shape), "params": 0, "mult_adds": 0}]
    for layer in leaf_layers(model):
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
    """How many values per weight an optimizer keeps between steps (momentum, moments): 0 for
    plain SGD, 1 for momentum, 2 for Adam. Found by building a fresh copy of ``optimizer`` on
    a probe variable; the optimizer itself is left as it was."""
    copy = type(optimizer).from_config(optimizer.get_config())
    probe = keras.Variable(np.zeros(1000, "float32"), name="probe")
    copy.build([probe])
    slots = sum(math.prod(v.shape) for v in copy.variables if math.prod(v.shape) > 1)
    return slots // 1000


def training_memory(params: int, activations: int, optimizer, bytes_per_value: int = 4) -> dict:
    """Bytes to train one image's worth of a network: weights, their gradients, the optimizer's
    state, the forward activations and (about the same again) their gradients backward."""
    weights = params * bytes_per_value
    forward = activations * bytes_per_value
    return {"weights": weights, "weight_gradients": weights,
            "optimizer_state": weights * optimizer_state_factor(optimizer),
            "activations_forward": forward, "activation_gradients": forward}
