"""DeepDream: dreams raise the chosen layers' activation, and tiles leave no seams."""

import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from cnnlab import deepdream, photos, pretrained
from cnnlab.progress import Progress


@pytest.fixture(scope="module")
def lite0():
    return pretrained.load(any_size=True)


@pytest.fixture(scope="module")
def large_photo():
    """The astronaut enlarged to 1024 x 1024: a photo too large to want in one piece."""
    return deepdream.resize(photos.photo("astronaut").astype(np.float32), (1024, 1024))


def test_dream_raises_every_chosen_layer(lite0):
    layers = {"block3b_add": 1.0, "block5c_add": 0.5}
    dreamer = deepdream.Dreamer(lite0.model, layers, lite0.preprocess)
    image = photos.photo("chelsea")
    seen = []
    dream = deepdream.dream(dreamer, image, octaves=2, steps=6, seed=1,
                            callback=lambda octave, step, value: seen.append((octave, value)))
    assert dream.shape == image.shape and dream.dtype == np.float32
    assert 0 <= dream.min() and dream.max() <= 255
    assert [o for o, _ in seen] == [0] * 6 + [1] * 6
    before, after = dreamer.layer_losses(image), dreamer.layer_losses(dream)
    assert set(before) == set(layers)
    for name in layers:
        assert after[name] > 1.5 * before[name], (name, before[name], after[name])
    weighted = sum(w * after[n] for n, w in layers.items())
    assert dreamer.loss(dream) == pytest.approx(weighted, rel=1e-4)
    # the same seed dreams the same dream
    again = deepdream.dream(dreamer, image, octaves=2, steps=6, seed=1)
    np.testing.assert_allclose(again, dream, atol=1e-3)


def test_tiled_gradient_equals_the_whole_gradient(lite0, large_photo):
    """With enough context around each tile, tiling changes nothing but the memory needed."""
    dreamer = deepdream.Dreamer(lite0.model, "block2b_add", lite0.preprocess)
    image = large_photo[:512, :640]
    value, whole = dreamer.gradient(image)
    tiled_value, tiled = dreamer.gradient(image, tile_size=256, margin=32, offset=(0, 96))
    assert tiled_value == pytest.approx(value, rel=0.02)
    assert np.abs(tiled - whole).mean() < 1e-3 * np.abs(whole).mean()
    # without context, tile borders are computed against zero padding: the gradient is wrong there
    _, bare = dreamer.gradient(image, tile_size=256, margin=0)
    assert np.abs(bare - whole)[:, 250:262].mean() > 0.1 * np.abs(whole).mean()


def _dream_large(lite0, image, **kwargs):
    dreamer = deepdream.Dreamer(lite0.model, "block2b_add", lite0.preprocess)
    return deepdream.dream(dreamer, image, octaves=1, steps=8, step_size=3.0, seed=0, **kwargs)


def test_tiled_dream_of_a_large_photo_has_no_seam(lite0, large_photo):
    borders = np.arange(256, 1024, 256) - 1  # boundary b lies between pixels b and b + 1

    def seam(**kwargs):
        return deepdream.seam_at(large_photo, _dream_large(lite0, large_photo, **kwargs), borders)

    # The measure sees seams: a fixed grid of tiles with no context and no jitter leaves them.
    still = seam(jitter=0)
    assert seam(jitter=0, tile_size=256, margin=0, move_tiles=False) > 2 * still
    # With context, even a fixed grid is as smooth at its borders as the untiled dream.
    assert seam(jitter=0, tile_size=256, move_tiles=False) < still + 0.01
    # The dream as run (moving tiles, jitter): no boundary anywhere stands out more than the
    # untiled dream's most uneven one.
    whole, tiled = (_dream_large(lite0, large_photo, **kw) for kw in ({}, {"tile_size": 256}))
    most = [max(deepdream.seam_strength(large_photo, d, axis).max() for axis in (0, 1))
            for d in (whole, tiled)]
    assert most[1] < most[0] + 0.03, most


@given(length=st.integers(1, 900), tile=st.integers(32, 300), margin=st.integers(0, 64),
       offset=st.integers(0, 1000))
def test_windows_cover_each_pixel_once_with_context(length, tile, margin, offset):
    side, spans = deepdream.tile_windows(length, tile, margin, offset)
    assert side == min(tile + 2 * margin, length)
    covered = np.zeros(length, int)
    for start, stop, window in spans:
        assert 0 < stop - start <= tile and 0 <= window <= length - side
        assert start - window >= min(margin, start)  # context before the tile
        assert window + side - stop >= min(margin, length - stop)  # and after it
        covered[start:stop] += 1
    assert (covered == 1).all()


def test_octaves_and_resize():
    assert deepdream.octave_shapes((512, 384), 3, 1.4) == [(261, 196), (366, 274), (512, 384)]
    assert deepdream.octave_shapes((100, 80), 1, 1.4) == [(100, 80)]
    ramp = np.linspace(0, 255, 64, dtype=np.float32)[None, :, None] * np.ones((48, 1, 3))
    small = deepdream.resize(ramp, (24, 32))
    assert small.shape == (24, 32, 3)
    assert abs(small.mean() - ramp.mean()) < 1.0


def test_bad_arguments_say_what_to_do(lite0):
    with pytest.raises(ValueError, match="at least one layer"):
        deepdream.Dreamer(lite0.model, {}, lite0.preprocess)
    with pytest.raises(ValueError, match="has no layer"):
        deepdream.Dreamer(lite0.model, "block9z_add", lite0.preprocess)
    dreamer = deepdream.Dreamer(lite0.model, "block2b_add", lite0.preprocess)
    with pytest.raises(ValueError, match=r"shape \(h, w, 3\)"):
        deepdream.dream(dreamer, np.zeros((64, 64)), steps=1)
    with pytest.raises(ValueError, match="fewer octaves"):
        deepdream.dream(dreamer, np.zeros((40, 40, 3)), octaves=3, steps=1)
    with pytest.raises(ValueError, match="octave scale > 1"):
        deepdream.octave_shapes((64, 64), 2, 1.0)
    with pytest.raises(ValueError, match="tile_size must be at least 32"):
        dreamer.gradient(np.zeros((64, 64, 3), np.float32), tile_size=8)


def test_save_png_is_atomic_and_exact(tmp_path):
    image = np.array([[[-5.0, 0.4, 254.6], [300.0, 128.0, 7.5]]], np.float32)
    path = deepdream.save_png(image, tmp_path / "dreams" / "tiny.png")
    np.testing.assert_array_equal(np.asarray(Image.open(path)), [[[0, 0, 255], [255, 128, 8]]])
    with pytest.raises(ValueError, match="ending in .png"):
        deepdream.save_png(image, tmp_path / "tiny.jpg")
    with pytest.raises(ValueError, match=r"\(h, w, 3\)"):
        deepdream.save_png(np.zeros((2, 2, 5)), tmp_path / "bad.png")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["tiny.png"]


def test_progress_bar_goes_to_its_stream_only_when_enabled():
    out = io.StringIO()
    bar = Progress(3, "dreaming", stream=out)
    for _ in range(3):
        bar.update("octave 1/1")
    bar.close()
    text = out.getvalue()
    assert "━" * Progress.WIDTH in text and "3/3" in text and text.endswith("\n")
    quiet = io.StringIO()
    bar = Progress(3, stream=quiet, enabled=False)
    bar.update()
    bar.close()
    assert quiet.getvalue() == ""
    with pytest.raises(ValueError, match="at least one step"):
        Progress(0)


def test_progress_bar_in_a_notebook_is_one_display_updated_in_place(monkeypatch):
    shown = []

    class Handle:
        def update(self, data, raw):
            shown.append(data["text/plain"])

    import cnnlab.progress as progress

    monkeypatch.setattr(progress, "_notebook_display", lambda: Handle())
    bar = Progress(2, "dreaming")
    bar.update()
    bar.update("done")
    bar.close()
    # the first step came too soon to redraw; the last always redraws, in the same display
    assert len(shown) == 1 and "━" * Progress.WIDTH + " 2/2" in shown[0]
    assert shown[0].endswith("done")
