"""benchmarks/bench_degradation.py: one record per network, with a loss per epoch, and a run
that goes on from its backup instead of starting again."""

import json
import sys

import cnnlab
from cnnlab import records, resume

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_degradation  # noqa: E402

ARGS = ["--networks", "plain-8", "residual-8", "--epochs", "2", "--train-images", "256",
        "--val-images", "64", "--batch-size", "64"]


def lines(capsys):
    return [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]


def test_a_finished_network_is_read_from_the_backup_not_trained_again(tmp_path, capsys):
    folder = tmp_path / "backup"
    # what the script backs up under: its flags and data source
    flags = {"networks": ["plain-8", "residual-8"], "width": 8, "train_images": 256,
             "val_images": 64, "epochs": 2, "batch_size": 64, "peak_lr": 0.1, "seed": 0}
    source = str(cnnlab.load_cifar10().source)
    done = resume.RunBackup(folder, {"script": "bench_degradation", "data": source,
                                     "flags": flags})
    earlier = {"network": "plain-8", "from": "the backup"}
    done.finish("plain-8", earlier)
    bench_degradation.main([*ARGS, "--resume", str(folder)])
    first, second = lines(capsys)
    assert first == earlier  # not retrained
    assert second["network"] == "residual-8" and len(second["curve"]) == 2
    assert second["steps"] == 2 * 4  # 2 epochs of 256 images in batches of 64
    assert all(field in second for field in records.REQUIRED + records.REQUIRED_BY_KIND[
        "degradation"])
    assert not folder.exists()  # the whole run finished: its backup is gone
