"""The Ray engine gives the same records as the local engine (needs the ``ray`` extra)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import orjson
import pytest

from cleaner import Cleaner, clean_batch
from cleaner.corpus import CorpusOptions, Job, clean_corpus
from cleaner.errors import DocumentError
from cleaner.records import read_records, write_records

ray = pytest.importorskip(
    "ray", reason="ray is not installed: pip install 'boilerplate-cleaner[ray]' to run the Ray engine test"
)
from cleaner.ray_engine import clean_corpus_ray, jsonl_batch_cleaner  # noqa: E402 (only when ray is there)

# Ray's own modules warn about their own deprecations; that is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")

ARTICLE = "A sentence about the harbour plan and the town council's vote.\n\nAdvertisement\n\nMore prose.\n"


def records(count: int, shard: int) -> list[dict[str, object]]:
    return [
        {"id": f"{shard}-{n}", "text": ARTICLE.replace("plan", f"plan {n}") if n % 4 else "", "n": n}
        for n in range(count)
    ]


@pytest.fixture(scope="module")
def local_ray():
    os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet", ".jsonl.gz"])
def test_ray_output_equals_local_output_record_for_record(local_ray, tmp_path: Path, suffix: str):
    shards = tmp_path / "in"
    for shard in range(3):
        write_records(shards / f"part-{shard}{suffix}", records(700, shard))
    cleaner = Cleaner()
    options = CorpusOptions(drop_empty=True)
    local = clean_corpus(
        [shards], tmp_path / "local", cleaner, options, workers=1, removed_output=tmp_path / "a.jsonl"
    )
    remote = clean_corpus_ray(
        [shards], tmp_path / "ray", cleaner, options, removed_output=tmp_path / "b.jsonl"
    )
    for shard in range(3):
        name = f"part-{shard}{suffix}"
        expected = list(read_records(tmp_path / "local" / name))
        assert list(read_records(tmp_path / "ray" / name)) == expected
        assert len(expected) == 525
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert remote.to_dict()["rules"] == local.to_dict()["rules"]
    assert (remote.documents, remote.changed, remote.dropped_empty) == (
        local.documents,
        local.changed,
        local.dropped_empty,
    )


def test_the_cluster_compresses_the_records_of_a_gzip_output():
    # The driver writes what the cluster sends: compressing there would leave it alone at it.
    lines = [orjson.dumps(r) for r in records(12, 0)]
    batch = {"path": ["/in/a.jsonl"] * 12, "number": list(range(1, 13)), "line": lines}
    job = Job(Cleaner(), CorpusOptions())
    plain = jsonl_batch_cleaner(job, frozenset())(batch)
    packed = jsonl_batch_cleaner(job, frozenset({"/in/a.jsonl"}))(batch)
    assert plain["data"][0].count(b"\n") == 12
    assert gzip.decompress(packed["data"][0]) == plain["data"][0]


@pytest.mark.parametrize(("inputs", "output"), [(["-"], "out.jsonl"), (["in.jsonl"], "-")])
def test_the_ray_engine_refuses_standard_streams(inputs: list[str], output: str):
    with pytest.raises(DocumentError, match="--engine ray reads and writes files"):
        clean_corpus_ray([Path(name) for name in inputs], Path(output), Cleaner())


@pytest.mark.parametrize("batch_format", ["default", "numpy", "pandas", "pyarrow"])
def test_clean_batch_serves_ray_map_batches_in_every_batch_format(local_ray, batch_format: str):
    items = [{"id": n, "text": text} for n, text in enumerate([ARTICLE, "Plain.\n", ARTICLE])]
    rows = ray.data.from_items(items).map_batches(clean_batch, batch_format=batch_format).take_all()
    expected = [Cleaner().clean(item["text"]) for item in items]
    assert [row["text"] for row in rows] == [result.text for result in expected]
    assert [row["cleaner_removals"] for row in rows] == [len(result.removals) for result in expected]
    assert [row["id"] for row in rows] == [0, 1, 2]


def test_ray_writes_the_bytes_the_local_engine_writes(local_ray, tmp_path: Path):
    # Ray's text reader split lines at U+2028 and U+0085 (valid inside JSON strings) and
    # dropped the \r of \r\n; lines are now cut at \n only, with their exact bytes.
    from tests.hostile.test_record_bytes import corpus_bytes  # noqa: PLC0415

    source, expected = corpus_bytes(crlf=True, bom=True)
    separators = '{"text":"One\u2028line\u0085here.\\nAdvertisement\\n","x":1e400}\r\n'.encode()
    (tmp_path / "in.jsonl").write_bytes(source + separators)
    cleaner = Cleaner()
    clean_corpus([tmp_path / "in.jsonl"], tmp_path / "local.jsonl", cleaner, workers=1)
    clean_corpus_ray([tmp_path / "in.jsonl"], tmp_path / "ray.jsonl", cleaner)
    local = (tmp_path / "local.jsonl").read_bytes()
    assert local == expected + '{"text":"One\u2028line\u0085here.\\n","x":1e400}\r\n'.encode()
    assert (tmp_path / "ray.jsonl").read_bytes() == local


def test_ray_names_the_line_of_a_bad_record(local_ray, tmp_path: Path):
    (tmp_path / "in.jsonl").write_bytes(b'{"text":"a"}\n\n{"text":1}\n')
    with pytest.raises(DocumentError, match=r"in\.jsonl:3: field 'text' is int"):
        clean_corpus_ray([tmp_path / "in.jsonl"], tmp_path / "out.jsonl", Cleaner())
