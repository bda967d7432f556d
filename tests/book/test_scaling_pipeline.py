"""Chapter 6.6 builds its tf.data pipeline step by step; the workers use the package's.

The chapter says the two give the same batches, in the same order. This test takes
the chapter's ``make_stream`` from the notebook itself, runs it and
:func:`helpers.distributed.stream_npy_shards` on the same shards, and compares.
"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from _book import ROOT  # noqa: E402

CHAPTER = ROOT / "book" / "06_6_scaling.ipynb"


def _chapter_cell(defining):
    cells = [("".join(cell["source"])) for cell in json.loads(CHAPTER.read_text())["cells"]
             if cell["cell_type"] == "code"]
    found = [source for source in cells if defining in source]
    assert len(found) == 1, f"06_6_scaling must define {defining!r} in exactly one cell"
    return found[0]


@pytest.mark.slow
def test_chapter_pipeline_equals_the_workers_pipeline(tmp_path):
    import tensorflow as tf

    from helpers.distributed import stream_npy_shards

    rng = np.random.default_rng(0)
    n_features, batch_size = 9, 128
    for shard in range(4):
        np.save(tmp_path / f"shard_{shard:02d}.npy",
                rng.normal(size=(600, n_features)).astype(np.float32))
    paths = sorted(str(path) for path in tmp_path.glob("*.npy"))

    namespace = {"np": np, "tf": tf, "N_FEATURES": n_features}
    source = _chapter_cell("def make_stream(")
    # Run the definitions only: the cell's last lines use the chapter's own shards.
    exec(source[: source.index("\nstream = ")], namespace)
    chapter = namespace["make_stream"](paths, batch_size=batch_size)
    package = stream_npy_shards(paths, n_features=n_features, batch_size=batch_size, seed=0)
    n_batches = 0
    for ours, theirs in zip(chapter, package, strict=True):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        n_batches += 1
    assert n_batches == -(-4 * 600 // batch_size)
