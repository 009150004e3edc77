"""The shared recipes run end to end on a few real images (their figures live in benchmarks/)."""

import keras
import numpy as np
import pytest

import cnnlab
from cnnlab import models, recipes, training
from cnnlab.augment import AugmentedImages
from cnnlab.callbacks import AccuracyTracker

# a clocked run's budget: the first step alone, compiling included, took 3.3 s on JAX in CI,
# and a budget it uses up is an error (callbacks.TimeBudget)
CLOCK_MINUTES = 0.25
CLOCK_SECONDS = CLOCK_MINUTES * 60


def test_modern_lenet_recipe(fast_mode):
    (x, y), _, _, _ = cnnlab.load_mnist()
    x = training.as_float_images(x[:512])
    model, history, log = recipes.train_modern_lenet(x, y[:512], epochs=2, log_every=2)
    assert model.get_layer("shift") and len(history.history["loss"]) == 2
    assert history.history["loss"][1] < history.history["loss"][0]


def test_modern_lenet_on_a_budget_ends_its_schedule(fast_mode):
    """With minutes to spare, the epochs run out first and the rate has decayed by then; with
    a budget shorter than the epochs, training stops on time, having decayed too."""
    (x, y), _, _, _ = cnnlab.load_mnist()
    x = training.as_float_images(x[:512])
    model, history, log = recipes.train_modern_lenet(x, y[:512], epochs=2, log_every=2,
                                                     minutes=10)
    assert len(history.history["loss"]) == 2 and int(model.optimizer.iterations) == 2 * 2
    assert float(model.optimizer.learning_rate) == 0.0
    assert history.history["loss"][1] < history.history["loss"][0]
    model, history, log = recipes.train_modern_lenet(x, y[:512], epochs=10_000, log_every=10_000,
                                                     minutes=CLOCK_MINUTES)
    assert log.train_seconds < CLOCK_SECONDS + 10 and len(history.history["loss"]) < 10_000
    assert float(model.optimizer.learning_rate) < 1e-3


def test_cifar_recipes(fast_mode):
    (x, y), _, _, _ = cnnlab.load_cifar10()
    x, y = x[:256], y[:256]
    xf = training.as_float_images(x)
    tracker = AccuracyTracker(xf, y, printer=None)
    model, history, log = recipes.train_cifar_modern(x, y, epochs=2, width=4, batch_size=64,
                                                      callbacks=[tracker], log_every=2)
    assert len(tracker.points) == 2 and model.output_shape == (None, 10)
    assert np.isfinite(history.history["loss"]).all()
    assert 0 <= training.accuracy(model, xf, y, flip_tta=True) <= 1
    base, history, _ = recipes.train_cifar_baseline(xf[:64], y[:64], epochs=1)
    assert base.name == "seed_cifar_cnn" and len(history.history["loss"]) == 1
    _, history, log = recipes.train_cifar_baseline(xf[:64], y[:64], epochs=10_000,
                                                   minutes=CLOCK_MINUTES)
    assert 1 <= len(history.history["loss"]) < 10_000 and log.train_seconds < CLOCK_SECONDS + 10


def test_modern_recipe_trains_another_network(fast_mode):
    (x, y), _, _, _ = cnnlab.load_cifar10()
    for decay_batch_norm in (True, False):
        model, history, _ = recipes.train_cifar_modern(
            x[:128], y[:128], epochs=1, batch_size=64, decay_batch_norm=decay_batch_norm,
            build=lambda shape: models.cifar_vgg(4, (1, 1), input_shape=shape))
        assert model.name == "vgg3_w4" and np.isfinite(history.history["loss"]).all()
        decayed = {w.path: model.optimizer._use_weight_decay(w) for w in model.trainable_weights}
        assert decayed["block1_1_conv/kernel"] and decayed["output/kernel"]
        assert decayed["block1_1_bn/gamma"] == decayed["block2_1_bn/beta"] == decay_batch_norm


def test_modern_recipe_ingredients_can_be_taken_away(fast_mode):
    """The step-by-step benchmark's switches: no augmentation, no smoothing, another optimiser."""
    import keras

    (x, y), _, _, _ = cnnlab.load_cifar10()
    plain_sgd = keras.optimizers.SGD(0.01, momentum=0.9)
    model, history, _ = recipes.train_cifar_modern(
        x[:128], y[:128], epochs=1, batch_size=64, width=4, flip=False, shift=0,
        label_smoothing=0.0, optimizer=plain_sgd)
    assert model.optimizer is plain_sgd and float(plain_sgd.learning_rate) == pytest.approx(0.01)
    assert model.loss.label_smoothing == 0.0 and np.isfinite(history.history["loss"]).all()


@pytest.mark.parametrize("warmup_fraction", [0.0, 0.5])
def test_modern_recipe_warm_up_is_a_choice(fast_mode, warmup_fraction):
    """Notebook 08's large batches: the rate starts at its peak without warm-up, at 0 with it."""
    (x, y), _, _, _ = cnnlab.load_cifar10()
    model, _, _ = recipes.train_cifar_modern(x[:128], y[:128], epochs=2, batch_size=32, width=4,
                                              peak_lr=0.1, warmup_fraction=warmup_fraction)
    schedule = model.optimizer._learning_rate
    first, third = (float(schedule(step)) for step in (0, 2))
    if warmup_fraction:  # 8 steps, 4 of them climbing
        assert first == 0 and third == pytest.approx(0.05)
    else:
        assert first == pytest.approx(0.1) and third < 0.1


def test_modern_recipe_on_the_clock(fast_mode):
    """``minutes``: the schedule runs on training time and ends training, whatever ``epochs``."""
    (x, y), _, _, _ = cnnlab.load_cifar10()
    model, history, log = recipes.train_cifar_modern(x[:128], y[:128], epochs=5000, batch_size=64,
                                                      width=4, minutes=CLOCK_MINUTES,
                                                      log_every=1000)
    assert 1 <= len(history.history["loss"]) < 5000 and log.train_seconds < CLOCK_SECONDS + 2
    assert 0 <= float(model.optimizer.learning_rate) < 0.2 / 2  # well into the decay


def test_airbench_recipe(fast_mode):
    from cnnlab.whitening import whitening_filters

    (x, y), _, _, _ = cnnlab.load_cifar10()
    x, y = x[:512], y[:512]
    # float32 here and below: precision="auto" times the machine (tests/test_precision.py)
    model, history, _ = recipes.train_cifar_airbench(x, y, widths=(8, 16, 16), epochs=3,
                                                     batch_size=64, whiten_images=256,
                                                     precision="float32")
    kernel, bias = whitening_filters(training.as_float_images(x[:256]))
    whiten = model.get_layer("whiten")
    np.testing.assert_allclose(np.asarray(whiten.kernel), kernel, rtol=1e-5)  # set, then frozen
    assert not np.allclose(np.asarray(whiten.bias), bias)  # the bias learns
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert 0.1 < training.accuracy(model, training.as_float_images(x), y) <= 1
    clocked, history, log = recipes.train_cifar_airbench(x[:128], y[:128], widths=(4, 8, 8),
                                                         epochs=5000, batch_size=32,
                                                         minutes=CLOCK_MINUTES, pool_first=[3],
                                                         precision="float32")
    # the clock ends it, however fast the machine: 5,000 epochs take far longer than the budget
    assert len(history.history["loss"]) < 5000 and log.train_seconds <= CLOCK_SECONDS
    assert clocked.get_layer("stage3_1_conv").output.shape[1:3] == (3, 3)  # pooled first


def test_airbench_recipe_with_small_crops_first(fast_mode):
    (x, y), _, _, _ = cnnlab.load_cifar10()
    x, y = x[:256], y[:256]
    sizes = []

    class Spy(AugmentedImages):  # notes the size of every batch the recipe draws
        def __getitem__(self, i):
            images, labels = super().__getitem__(i)
            sizes.append(images.shape[1:3])
            return images, labels

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(recipes, "AugmentedImages", Spy)
        model, history, _ = recipes.train_cifar_airbench(
            x, y, widths=(8, 16, 16), epochs=4, batch_size=64, whiten_images=256,
            small_crops=(20, 0.5), precision="float32")
    # 4 batches an epoch: one drawn to learn their shapes, then 2 epochs of crops, 2 of images
    assert sizes[:9] == [(20, 20)] * 9 and sizes[9:17] == [(32, 32)] * 8
    assert model.input_shape == (None, None, None, 3)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert 0.1 < training.accuracy(model, training.as_float_images(x), y) <= 1
    for bad in ((40, 0.5), (20, 0), (20.5, 0.5)):
        with pytest.raises(ValueError, match="small_crops is"):
            recipes.train_cifar_airbench(x, y, epochs=1, small_crops=bad)


def test_airbench_recipe_in_mixed_bfloat16(fast_mode, tmp_path):
    (x, y), _, _, _ = cnnlab.load_cifar10()
    model, history, _ = recipes.train_cifar_airbench(x[:256], y[:256], widths=(8, 16, 16),
                                                     epochs=3, batch_size=64, whiten_images=256,
                                                     precision="mixed_bfloat16")
    assert keras.config.dtype_policy().name == "float32"  # the policy is put back
    assert model.get_layer("stage2_1_conv").compute_dtype == "bfloat16"
    assert model.get_layer("stage2_1_conv").kernel.dtype == "float32"  # weights stay float32
    # the whitening and the softmax stay float32
    assert {model.get_layer(n).compute_dtype for n in ("whiten", "output")} == {"float32"}
    assert model.output.dtype == "float32"
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = training.save_model_to(model, tmp_path / "bf16.keras")  # loads with its policies
    loaded = keras.models.load_model(path)
    assert loaded.get_layer("stage2_1_conv").compute_dtype == "bfloat16"
    images = training.as_float_images(x[:8])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(images)),
                               keras.ops.convert_to_numpy(model(images)), atol=1e-6)
    with pytest.raises(ValueError, match="precision is one of"):
        recipes.train_cifar_airbench(x[:64], y[:64], epochs=1, precision="float16")
    assert keras.config.dtype_policy().name == "float32"


def test_airbench_recipe_with_muon(fast_mode):
    from cnnlab.optimizers import Muon

    (x, y), _, _, _ = cnnlab.load_cifar10()
    model, history, _ = recipes.train_cifar_airbench(x[:256], y[:256], widths=(8, 16, 16),
                                                     epochs=3, batch_size=64, whiten_images=256,
                                                     muon_rate=0.24, lookahead=False,
                                                     precision="float32")
    assert isinstance(model.optimizer, Muon)
    assert model.optimizer.kernel_rate == pytest.approx(0.24 / (1.5 * 64 / 1024))
    assert history.history["loss"][-1] < history.history["loss"][0]
    # Muon keeps each kernel at norm sqrt(filters); the last step, at a rate near 0, barely moves
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D) and layer.kernel.trainable:
            norm = np.linalg.norm(np.asarray(layer.kernel))
            assert norm == pytest.approx(layer.filters ** 0.5, rel=0.01), layer.name


@pytest.mark.parametrize("minutes", [0, -1])
def test_a_budget_of_no_time_is_refused(fast_mode, minutes):
    (x, y), _, _, _ = cnnlab.load_cifar10()
    for train in (recipes.train_cifar_modern, recipes.train_cifar_airbench,
                  recipes.train_cifar_baseline, recipes.train_modern_lenet):
        with pytest.raises(ValueError, match="minutes is the training-time budget and must be "
                                             "more than 0"):
            train(x[:64], y[:64], epochs=1, minutes=minutes)


def test_modern_recipe_recovers_from_confident_mistakes(fast_mode):
    # A network sure of class 0 by 30 logits whatever the image: Keras's own loss on JAX or
    # PyTorch clips those probabilities and gets no gradient at all (cnnlab.losses).
    (x, y), _, _, _ = cnnlab.load_cifar10()

    def build(shape):
        model = models.cifar_resnet9(4, input_shape=shape)
        kernel, bias = model.get_layer("output").get_weights()
        model.get_layer("output").set_weights([kernel * 0, bias + np.eye(10)[0] * 30])
        return model

    model, history, _ = recipes.train_cifar_modern(x[:256], y[:256], epochs=2, batch_size=64,
                                                   build=build, weight_decay=0.0)
    _, bias = model.get_layer("output").get_weights()
    assert bias[0] - bias[1:].max() < 29.5
    assert history.history["loss"][-1] < history.history["loss"][0]
