import keras
import pytest

from cnnlab import speed


def _tiny():
    return keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3),
                             keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3)])


def test_speeds_are_positive_and_leave_the_model_alone():
    model = _tiny()
    before = [w.copy() for w in model.get_weights()]
    assert speed.training_speed(model, batch_size=8, steps=2, repeats=1) > 0
    assert speed.inference_speed(model, batch_size=4, steps=2, repeats=1) > 0
    assert all((a == b).all() for a, b in zip(before, model.get_weights(), strict=True))
    assert getattr(model, "optimizer", None) is None


@pytest.mark.parametrize("kwargs", [{"batch_size": 0}, {"steps": 1.5}, {"repeats": -1}])
def test_speed_arguments(kwargs):
    with pytest.raises(ValueError, match="must be a positive whole number"):
        speed.inference_speed(_tiny(), **kwargs)


def test_compare_training_speed_takes_turns():
    models = {"small": _tiny(), "other": _tiny()}
    rates = speed.compare_training_speed(models, batch_size=8, steps=2, repeats=3)
    assert list(rates) == ["small", "other"]
    assert all(len(r) == 3 and min(r) > 0 for r in rates.values())
    with pytest.raises(ValueError, match="repeats must be a positive whole number"):
        speed.compare_training_speed(models, repeats=0)


def test_images_within_shares_the_budget_by_speed():
    from cnnlab.speed import images_within

    # 2 runs at 100 and 300 img/s, 2 epochs: n/100 + n/300 per epoch -> n = 60 / (2 * 4/300)
    assert images_within(60, [100, 300], epochs=2) == 2200  # 2,250 down to a multiple of 100
    assert images_within(60, [100, 300], epochs=2, cap=1000) == 1000
    assert images_within(60, [100], step=1) == 6000
    with pytest.raises(ValueError, match="at least 7 s"):
        images_within(4.5, [100, 300], epochs=1, step=500)  # 338 images, not one step of 500
    with pytest.raises(ValueError, match="above 0 seconds"):
        images_within(0, [100])
