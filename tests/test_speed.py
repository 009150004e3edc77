import types

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


def test_images_within_takes_compiling_and_validation_off_the_budget():
    from cnnlab.speed import images_within

    # 10 s of compiling in all; 300 validation images an epoch at 3 x 100 and 3 x 300 img/s:
    # 2 epochs x (1 + 1/3) s = 8/3 s. The rest, 60 - 10 - 8/3 s, trains at 2 x 4/300 s an image.
    assert images_within(60, [100, 300], epochs=2, overheads=[4, 6], validation_images=300,
                         step=1) == int((60 - 10 - 8 / 3) / (2 * 4 / 300))
    # 1 s left trains 75 images, not one step of 100; 100 images need 51 1/3 s in all
    with pytest.raises(ValueError, match=r"after 50 s of probing, compiling and validation: "
                                         r"give a budget of at least 52 s"):
        images_within(51, [100, 300], overheads=[50])
    with pytest.raises(ValueError, match="give a cap of at least 100"):
        images_within(60, [100], cap=50)
    with pytest.raises(ValueError, match="must be 0 or more"):
        images_within(60, [100], overheads=[-1])


def test_plan_images_takes_the_probe_and_compiling_off_the_budget(monkeypatch):
    # the probe takes 5 s by the clock; warm-ups of 2 steps of 8 are 4 s and 6 s over the
    # steady time of those steps
    clock = iter([100.0, 105.0])
    monkeypatch.setattr(speed, "time", types.SimpleNamespace(perf_counter=lambda: next(clock)))
    rates = {"a": [100.0], "b": [300.0]}
    warmups = {"a": 4 + 16 / 100, "b": 6 + 16 / 300}
    monkeypatch.setattr(speed, "_race", lambda *args: (rates, warmups))
    planned = speed.plan_images({"a": None, "b": None}, 60, epochs=2, batch_size=8, step=1,
                                validation_images=300)
    assert planned == int((60 - 5 - 10 - 8 / 3) / (2 * 4 / 300))  # 1,587


def test_plan_images_checks_its_arguments_before_probing():
    models = {"small": _tiny(), "other": _tiny()}
    assert speed.plan_images(models, 30, epochs=2, batch_size=8, step=1) > 0
    with pytest.raises(ValueError, match="above 0 seconds"):
        speed.plan_images(models, 0)
    with pytest.raises(ValueError, match="at least one model"):
        speed.plan_images({}, 30)
    with pytest.raises(ValueError, match="epochs must be a positive whole number"):
        speed.plan_images({"broken": None}, 30, epochs=0)  # refused before the probe
    with pytest.raises(ValueError, match="after [0-9]+ s of probing, compiling and validation"):
        speed.plan_images(models, 1e-6, batch_size=8)


def test_within_stops_when_another_item_like_the_last_would_overrun(monkeypatch):
    # the clock is read once before each item: items take 1 s, then 1 s, then 3 s
    readings = iter([0.0, 0.0, 1.0, 2.0, 5.0, 6.0])
    monkeypatch.setattr(speed, "time", types.SimpleNamespace(perf_counter=lambda: next(readings)))
    taken = []

    def items():
        for name in "abcdef":
            taken.append(name)
            yield name

    # at 2 s, 2 + 1 <= 5.5: a third item; at 5 s, 5 + 3 > 5.5: stop, without taking a fourth
    assert list(speed.within(5.5, items())) == ["a", "b", "c"]
    assert taken == ["a", "b", "c"]
    with pytest.raises(ValueError, match="above 0 seconds"):
        speed.within(0, "abc")
