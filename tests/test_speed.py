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
