import pytest

from cnnlab import budget, is_fast, mode


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_fast_values(monkeypatch, value):
    monkeypatch.setenv("CNNLAB_FAST", value)
    assert is_fast() and mode() == "fast"


@pytest.mark.parametrize("value", ["", "0", "false", "No"])
def test_full_values(monkeypatch, value):
    monkeypatch.setenv("CNNLAB_FAST", value)
    assert not is_fast() and mode() == "full"


def test_full_is_the_default(monkeypatch):
    monkeypatch.delenv("CNNLAB_FAST", raising=False)
    assert mode() == "full"


def test_unknown_value_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("CNNLAB_FAST", "maybe")
    with pytest.raises(ValueError, match="CNNLAB_FAST='maybe' is not understood.*set it to 1"):
        is_fast()


def test_budget_picks_by_mode(monkeypatch):
    monkeypatch.setenv("CNNLAB_FAST", "1")
    b = budget(epochs=(12, 1), train_size=(None, 2000), batch_size=128, lr=(0.1, 0.05))
    assert (b.epochs, b.train_size, b.batch_size, b.lr, b.mode) == (1, 2000, 128, 0.05, "fast")
    monkeypatch.setenv("CNNLAB_FAST", "0")
    b = budget(epochs=(12, 1), train_size=(None, 2000), batch_size=128)
    assert (b.epochs, b.train_size, b.batch_size, b.mode) == (12, None, 128, "full")
    assert b.as_dict() == {"epochs": 12, "train_size": None, "batch_size": 128}
    assert "full" in repr(b)


def test_budget_is_read_only_and_names_what_it_has(monkeypatch):
    b = budget(epochs=(3, 1))
    with pytest.raises(AttributeError, match="read-only"):
        b.epochs = 5
    with pytest.raises(AttributeError, match="no 'steps' .*epochs"):
        _ = b.steps


@pytest.mark.parametrize(
    "settings, error, message",
    [
        ({}, ValueError, "at least one setting"),
        ({"epochs": (1, 2)}, ValueError, "fast mode must not do more"),
        ({"train_size": (1000, None)}, ValueError, "fast mode must not do more"),
        ({"epochs": (3, 2, 1)}, ValueError, r"\(full, fast\), got 3"),
        ({"epochs": (0, 0)}, ValueError, "must be positive"),
        ({"epochs": -1}, ValueError, "must be positive"),
        ({"epochs": "ten"}, TypeError, "not a number"),
        ({"epochs": (True, 1)}, TypeError, "not a number"),
    ],
)
def test_invalid_budget_requests(settings, error, message):
    with pytest.raises(error, match=message):
        budget(**settings)


def test_budget_copies_and_pickles(monkeypatch):
    import copy
    import pickle

    monkeypatch.setenv("CNNLAB_FAST", "1")
    b = budget(epochs=(3, 1), lr=0.1)
    for twin in (copy.copy(b), copy.deepcopy(b), pickle.loads(pickle.dumps(b))):
        assert (twin.mode, twin.as_dict()) == ("fast", {"epochs": 1, "lr": 0.1})


@pytest.mark.parametrize("name", ["mode", "as_dict", "_values"])
def test_reserved_names_are_refused(name):
    with pytest.raises(ValueError, match="reserved names"):
        budget(**{name: 1})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), (float("inf"), 1)])
def test_non_finite_values_are_refused(value):
    with pytest.raises(ValueError, match="positive and finite"):
        budget(lr=value)
