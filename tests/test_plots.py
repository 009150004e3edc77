import numpy as np
import pytest

from cnnlab.plots import image_grid, plot_history, side_by_side, step_gains

NAMES = ("cat", "dog", "ship")


def test_grid_captions_and_layout():
    images = np.zeros((5, 8, 8, 3), np.uint8)
    fig = image_grid(images, labels=[0, 1, 2, 0, 1], class_names=NAMES, ncols=3, title="pets")
    axes = fig.axes
    assert len(axes) == 6  # 2 rows x 3 columns, the last one blank
    assert [a.get_title() for a in axes[:5]] == ["cat", "dog", "ship", "cat", "dog"]
    assert axes[5].get_title() == "" and not axes[5].images
    assert fig._suptitle.get_text() == "pets"


def test_grid_marks_mistakes_in_red():
    fig = image_grid(np.zeros((2, 4, 4)), labels=[0, 1], predictions=[0, 2], class_names=NAMES)
    ok, wrong = fig.axes
    assert ok.get_title() == "cat" and ok.title.get_color() == "black"
    assert wrong.get_title() == "ship\n(dog)" and wrong.title.get_color() == "red"


def test_grid_single_channel_and_no_labels():
    fig = image_grid(np.zeros((3, 4, 4, 1)))
    assert len(fig.axes) == 3 and fig.axes[0].images[0].get_array().shape == (4, 4)


@pytest.mark.parametrize(
    "images, kwargs, message",
    [
        (np.zeros((0, 4, 4)), {}, "at least one image"),
        (np.zeros((2, 4, 4, 2)), {}, r"got shape \(2, 4, 4, 2\)"),
        (np.zeros((4, 4)), {}, r"got shape \(4, 4\)"),
        (np.zeros((2, 4, 4)), {"labels": [1]}, "1 labels for 2 images"),
    ],
)
def test_grid_bad_input(images, kwargs, message):
    with pytest.raises(ValueError, match=message):
        image_grid(images, **kwargs)


def test_history_one_run_and_comparison():
    h = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8],
         "val_accuracy": [0.4, 0.7]}
    fig = plot_history(h)
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_xlabel() == "epoch" and acc_ax.get_ylabel() == "accuracy"
    assert [line.get_label() for line in loss_ax.lines] == ["train", "validation"]

    class FakeHistory:
        history = {"loss": [2.0, 1.0, 0.5]}

    fig = plot_history({"plain": h, "resnet": FakeHistory()}, metrics=["loss"])
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert labels == ["plain train", "plain validation", "resnet train"]
    np.testing.assert_array_equal(fig.axes[0].lines[2].get_xdata(), [1, 2, 3])


def test_history_errors():
    with pytest.raises(KeyError, match="has no \\['accuracy'\\]"):
        plot_history({"loss": [1.0]})
    with pytest.raises(TypeError, match="Keras History or a dict"):
        plot_history([1, 2, 3])


def test_side_by_side_keeps_each_shape_and_clips_floats():
    wide = np.full((10, 30, 3), 300.0)  # floats past 255 are clipped, not wrapped
    tall = np.zeros((20, 10, 3), np.uint8)
    fig = side_by_side([wide, tall], ["photo", "dream"], title="two")
    assert [a.get_title() for a in fig.axes] == ["photo", "dream"]
    shown = [a.images[0].get_array() for a in fig.axes]
    assert [s.shape for s in shown] == [(10, 30, 3), (20, 10, 3)] and shown[0].max() == 255
    with pytest.raises(ValueError, match="one per image"):
        side_by_side([wide], ["a", "b"])
    with pytest.raises(ValueError, match="at least one"):
        side_by_side([])


def test_step_gains_labels_each_bar_with_its_gain():
    fig = step_gains({"start": 0.5, "+ a": 0.625, "+ b": 0.6})
    ax = fig.axes[0]
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == pytest.approx([50, 62.5, 60])
    assert [t.get_text() for t in ax.texts] == ["50.0 %", "62.5 %  (+12.5)", "60.0 %  (-2.5)"]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    by_height = sorted(zip(ax.get_yticks(), labels, strict=True))
    assert [name for _, name in by_height] == ["+ b", "+ a", "start"]  # the first step on top
    with pytest.raises(ValueError, match="fractions"):
        step_gains({"start": 85.0})
    with pytest.raises(ValueError, match="at least one"):
        step_gains({})
