"""Training recipes shared by the lectures and the benchmarks, so both run the same code."""

from __future__ import annotations

import math

import keras

from . import models, training
from . import precision as precisions
from .augment import AugmentedImages
from .callbacks import ClockSchedule, Lookahead
from .losses import CategoricalCrossentropy, SparseCategoricalCrossentropy
from .optimizers import Muon, ScaledSGD
from .whitening import whitening_filters


def _seconds(minutes):
    """A training-time budget in minutes as seconds; None (no budget) stays None."""
    if minutes is None:
        return None
    if not minutes > 0:
        raise ValueError(f"minutes is the training-time budget and must be more than 0, got "
                         f"{minutes!r}; pass None to train for the given epochs instead.")
    return 60 * minutes


def _clock(minutes, peak_lr, warmup_fraction, total_steps):
    """The schedule on the clock for a budget of ``minutes`` (None: no clock), ending with
    whichever runs out first: the time or the epochs' ``total_steps``."""
    seconds = _seconds(minutes)
    return None if seconds is None else ClockSchedule(seconds, peak_lr, warmup_fraction,
                                                      total_steps)


def train_modern_lenet(x_train, y_train, *, epochs=4, batch_size=256, peak_lr=0.006,
                       shift=0.07, validation=None, log_every=1, seed=0, minutes=None):
    """The modern LeNet: ReLU, max-pooling, Adam with warm-up and cosine decay, and random
    shifts of up to ``shift`` x 28 (about 2) pixels while training.

    ``x_train``: float images (N, 28, 28, 1) in [0, 1]. Returns ``(model, history, logger)``.
    ``minutes``: a training-time budget; the schedule then ends with the time or the epochs,
    whichever runs out first (:class:`~cnnlab.callbacks.ClockSchedule`). Several batches run
    per call into the backend (:func:`training.batches_per_call`): for a network this small,
    Python's per-step overhead is a large share of the time.
    """
    keras.utils.set_random_seed(seed)
    model = models.lenet5("relu", "max", input_shape=tuple(x_train.shape[1:]), shift=shift)
    steps = epochs * math.ceil(len(x_train) / batch_size)
    clock = _clock(minutes, peak_lr, 0.2, steps)
    model.compile(keras.optimizers.Adam(0.0 if clock else training.warmup_cosine(peak_lr, steps)),
                  SparseCategoricalCrossentropy(), metrics=["accuracy"],
                  steps_per_execution=training.batches_per_call(8))
    history, logger = training.fit(model, x_train, y_train, epochs=epochs,
                                   batch_size=batch_size, validation=validation,
                                   log_every=log_every, callbacks=[clock] if clock else ())
    return model, history, logger


CIFAR_BASELINE_TARGET = 0.7524  # the design source's test accuracy after 40 epochs


def train_cifar_baseline(x_train, y_train, *, epochs=40, callbacks=(), log_every=1, seed=0,
                         validation=None, minutes=None):
    """The design source's recipe exactly: its model, SGD at lr 0.01, batch 32, categorical
    cross-entropy. ``x_train``: float images in [0, 1]. Returns ``(model, history, logger)``.
    ``minutes``: stop when this much training time is spent, in mid-epoch if need be."""
    keras.utils.set_random_seed(seed)
    model = models.seed_cifar_cnn(input_shape=tuple(x_train.shape[1:]))
    model.compile(keras.optimizers.SGD(0.01), CategoricalCrossentropy(), metrics=["accuracy"])
    history, logger = training.fit(model, x_train, keras.utils.to_categorical(y_train, 10),
                                   epochs=epochs, batch_size=32, validation=validation,
                                   log_every=log_every, callbacks=callbacks,
                                   seconds=_seconds(minutes))
    return model, history, logger


def train_cifar_modern(x_train_u8, y_train, *, epochs=10, width=12, batch_size=256,
                       peak_lr=0.2, weight_decay=5e-4, label_smoothing=0.2, shift=4, flip=True,
                       callbacks=(), log_every=1, seed=0, build=None, decay_batch_norm=True,
                       optimizer=None, minutes=None, warmup_fraction=0.2):
    """The fast modern recipe: a small ResNet-9 with batch norm, random flips and shifts,
    label smoothing, SGD with Nesterov momentum and weight decay on a warm-up + cosine
    schedule. Evaluate with ``training.accuracy(..., flip_tta=True)``.

    ``x_train_u8``: uint8 images as the loader returns them (augmented batch by batch).
    ``build``: another network for the same recipe, ``build(input_shape) -> model``;
    ``width`` applies to the default ResNet-9 only. Weight decay applies to every weight, as in
    Page's trainer; ``decay_batch_norm=False`` spares batch norm's scales and shifts.
    ``flip``, ``shift=0``, ``label_smoothing=0`` and ``optimizer`` (a Keras optimizer in place
    of the recipe's SGD and schedule) take ingredients away, as the step-by-step benchmark does.
    ``minutes``: run the schedule on the clock for this much training time
    (:class:`~cnnlab.callbacks.ClockSchedule`); it ends with the time or the epochs, whichever
    runs out first, so a fast machine completes its decay in fewer minutes.
    ``warmup_fraction``: the share of training over which the rate climbs from 0 to ``peak_lr``
    (0: it starts at the peak).
    """
    keras.utils.set_random_seed(seed)
    batches = AugmentedImages(x_train_u8, y_train, batch_size=batch_size, flip=flip, shift=shift,
                              seed=seed)
    shape = tuple(x_train_u8.shape[1:])
    model = build(shape) if build else models.cifar_resnet9(width, input_shape=shape)
    clock = _clock(minutes, peak_lr, warmup_fraction, epochs * len(batches))
    if optimizer is None:
        optimizer = keras.optimizers.SGD(
            0.0 if clock else training.warmup_cosine(peak_lr, epochs * len(batches),
                                                      warmup_fraction),
            momentum=0.9, nesterov=True, weight_decay=weight_decay)
    if not decay_batch_norm:  # Keras matches var_names against "gamma", "beta": list them
        optimizer.exclude_from_weight_decay(var_list=[
            w for layer in models.leaf_layers(model)
            if isinstance(layer, keras.layers.BatchNormalization) for w in layer.trainable_weights])
    model.compile(optimizer,
                  CategoricalCrossentropy(label_smoothing=label_smoothing),
                  metrics=["accuracy"], steps_per_execution=training.batches_per_call(8))
    history, logger = training.fit(model, batches, epochs=epochs, log_every=log_every,
                                   callbacks=[clock, *callbacks] if clock else callbacks,
                                   images_per_epoch=len(x_train_u8))
    return model, history, logger


def airbench_precision(widths, activation="silu", pool_first=(), image_shape=(32, 32, 3)):
    """The precision that trains :func:`models.cifar_airbench` faster on this machine, and the
    probe's figures (:func:`cnnlab.precision.choose`; remembered per machine and network)."""
    def build():
        return models.cifar_airbench(tuple(widths), input_shape=tuple(image_shape),
                                     activation=activation, pool_first=pool_first)

    name = (f"airbench {'-'.join(map(str, widths))} {activation} "
            f"pool_first={tuple(sorted(pool_first))} input={tuple(image_shape)}")
    decision = precisions.choose(build, name)
    return decision["precision"], decision


def train_cifar_airbench(x_train_u8, y_train, *, widths=(32, 128, 128), epochs=10,
                         batch_size=1024, momentum=0.85, weight_decay=0.0089, shift_rate=64.0,
                         label_smoothing=0.2, shift=2, flip="alternate", activation="silu",
                         lookahead=True, warmup_fraction=0.23, muon_rate=None, minutes=None,
                         small_crops=None, pool_first=(), precision="auto", callbacks=(),
                         log_every=1, seed=0, whiten_images=5000):
    """Keller Jordan's airbench94 recipe on :func:`models.cifar_airbench`: the whitening
    layer set from the first ``whiten_images`` images, Nesterov SGD at momentum 0.85 with
    batch norm's shifts learning ``shift_rate`` times faster, label smoothing 0.2, alternating
    flips and ``shift``-pixel translations, and :class:`~cnnlab.callbacks.Lookahead` (at the
    same pace per image at any ``batch_size``); the rate warms up over ``warmup_fraction`` of
    training and decays on this course's cosine (airbench's falls on a straight line).

    ``activation`` is SiLU, where airbench94 has GELU: TensorFlow computes GELU exactly,
    through erf, and on a CPU SiLU trains faster (``benchmarks/bench_activation.py``).

    airbench sums the loss over a batch; Keras averages it, so its learning rate 11.5 per 1,024
    images is 1.5 x batch_size / 1024 here, and its decay 0.0153 (coupled, through momentum)
    is 0.0089 of Keras's decoupled kind. Returns ``(model, history, logger)``;
    ``minutes`` runs the schedule on the clock, as in :func:`train_cifar_modern`.

    ``muon_rate`` (airbench94_muon: 0.24) trains the convolution kernels with
    :class:`~cnnlab.optimizers.Muon` at that peak rate, on the same schedule.

    ``small_crops=(size, fraction)``: progressive resizing. The first ``fraction`` of training
    (of its time with ``minutes``) sees random ``size`` x ``size`` crops, which the network,
    fully convolutional up to its global pooling, steps through faster; then whole images.
    ``pool_first``: see :func:`models.cifar_airbench`.

    ``precision="mixed_bfloat16"`` computes in bfloat16 (the weights stay float32): faster on
    CPUs with fast bf16 arithmetic, slower on others (``benchmarks/bench_precision.py``).
    ``"auto"`` (the default) takes whichever a short probe of this network on this machine
    finds faster (:mod:`cnnlab.precision`); ``logger.precision`` tells which, and why.
    """
    precisions.check(precision)
    _seconds(minutes)  # checked before the precision probe
    keras.utils.set_random_seed(seed)
    shape = tuple(x_train_u8.shape[1:])
    crop = None
    if small_crops is not None:
        size, until = small_crops
        if not (isinstance(size, int) and 1 <= size <= min(shape[:2]) and 0 < until <= 1):
            raise ValueError(f"small_crops is (size, fraction): a size up to {min(shape[:2])} "
                             f"pixels for a fraction of training in (0, 1], got {small_crops}.")
        shape = (None, None, shape[-1])  # the network takes either size

        def crop():  # the crops' size for the next batch
            done = clock.fraction() if clock else batches.epoch / epochs
            return size if done < until else None
    decision = None
    if precision == "auto":
        precision, decision = airbench_precision(widths, activation, pool_first,
                                                 x_train_u8.shape[1:])
        keras.utils.set_random_seed(seed)  # the same weights whether or not the probe ran
    with precisions.dtype_policy(precision):
        model = models.cifar_airbench(tuple(widths), input_shape=shape, activation=activation,
                                      pool_first=pool_first)
    model.get_layer("whiten").set_weights(list(whitening_filters(
        training.as_float_images(x_train_u8[:whiten_images]), size=2)))
    peak_lr = 1.5 * batch_size / 1024
    batches = AugmentedImages(x_train_u8, y_train, batch_size=batch_size, flip=flip, shift=shift,
                              seed=seed, crop=crop)
    steps = epochs * len(batches)
    clock = _clock(minutes, peak_lr, warmup_fraction, steps)
    rate = 0.0 if clock else training.warmup_cosine(peak_lr, steps, warmup_fraction)
    sgd = dict(momentum=momentum, nesterov=True, weight_decay=weight_decay,
               rate_scales={"beta": shift_rate})
    optimizer = (Muon(rate, kernel_rate=muon_rate / peak_lr, **sgd) if muon_rate
                 else ScaledSGD(rate, **sgd))
    model.compile(optimizer,
                  CategoricalCrossentropy(label_smoothing=label_smoothing),
                  # batches of 1,024 already amortise Python's per-call cost; short calls let
                  # the clock stop close to its budget
                  metrics=["accuracy"], steps_per_execution=training.batches_per_call(2))
    extra = [clock] if clock else []
    if lookahead:
        # airbench's average forgets at 0.95 per step of 1,024 images: keep that pace per image
        base = 0.95 ** (batch_size / 1024)
        extra.append(Lookahead(clock=clock, base=base) if clock
                     else Lookahead(total_steps=steps, base=base))
    history, logger = training.fit(model, batches, epochs=epochs, log_every=log_every,
                                   callbacks=[*extra, *callbacks],
                                   images_per_epoch=len(x_train_u8))
    logger.precision = {"precision": precision, "auto": decision}
    return model, history, logger
