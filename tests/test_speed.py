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
