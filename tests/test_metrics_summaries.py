import numpy as np
import pytest

from cnnlab import models
from cnnlab.metrics import confusion_matrix, per_class_accuracy
from cnnlab.plots import feature_maps, filter_grid, plot_confusion
from cnnlab.summaries import format_table, layer_rows


def test_confusion_and_per_class():
    cm = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], 4)
    assert cm.tolist() == [[1, 1, 0, 0], [0, 1, 0, 0], [1, 0, 2, 0], [0, 0, 0, 0]]
    acc = per_class_accuracy(cm)
    assert acc[:3].tolist() == [0.5, 1.0, 2 / 3] and np.isnan(acc[3])
    with pytest.raises(ValueError, match="outside 0..3"):
        confusion_matrix([4], [0], 4)
    with pytest.raises(ValueError, match="2 true labels but 1"):
        confusion_matrix([0, 1], [0], 4)


def test_confusion_plot():
    fig = plot_confusion(np.array([[5, 1], [0, 4]]), ["a", "b"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["5", "1", "4"]
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "true"
    with pytest.raises(ValueError, match="does not match 3 class names"):
        plot_confusion(np.eye(2), ["a", "b", "c"])


def test_filter_and_feature_grids():
    kernel = np.random.default_rng(0).normal(size=(5, 5, 1, 6))
    fig = filter_grid(kernel, ncols=3)
    assert len(fig.axes) == 6 and fig.axes[5].get_title() == "filter 5"
    img = fig.axes[0].images[0].get_array()
    assert img.shape == (5, 5) and img.min() == 0 and img.max() == 1
    assert len(filter_grid(np.zeros((3, 3, 3, 2))).axes) == 2
    assert fig.axes[1].images[0].get_interpolation() == "nearest"
    positive = np.full((2, 2, 3, 1), 0.5)
    positive[0, 0, 0] = 1.0  # one sign: min-max saturates it, zero_grey keeps it pale
    np.testing.assert_allclose(filter_grid(positive).axes[0].images[0].get_array()[1, 1], 0)
    pale = filter_grid(positive, zero_grey=True).axes[0].images[0].get_array()
    np.testing.assert_allclose(pale[1, 1], 0.75) and np.testing.assert_allclose(pale[0, 0, 0], 1)
    fig = feature_maps(np.zeros((7, 7, 4)), ncols=4)
    assert [a.get_title() for a in fig.axes] == [f"channel {i}" for i in range(4)]
    with pytest.raises(ValueError, match="conv kernel"):
        filter_grid(np.zeros((3, 3, 2)))
    with pytest.raises(ValueError, match="feature maps"):
        feature_maps(np.zeros((1, 7, 7, 4)))


def test_layer_table():
    rows = layer_rows(models.lenet5())
    assert rows[1] == {"name": "C1", "type": "Conv2D", "output": (28, 28, 6), "params": 156}
    text = format_table(rows)
    lines = text.splitlines()
    assert lines[0].split() == ["name", "type", "output", "params"]
    assert lines[3].split()[-1] == "156" and lines[3].endswith("156")
    floats = format_table([{"a": 0.99084, "b": 46.944}]).splitlines()[2]
    assert floats.split() == ["0.9908", "46.94"]
    assert "48,120" in text
    with pytest.raises(ValueError, match="no rows"):
        format_table([])
