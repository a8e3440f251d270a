"""Load results kept in runs of consecutive files (generator.load.runs)."""

from __future__ import annotations

import pickle
import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.demo import write_demo
from generator.load import runs
from generator.load.cache import CachedLoader, cache_dir
from generator.validate import load_records, load_sequentially, record_files

AS_OF = date(2026, 10, 8)


def test_a_run_stays_in_one_folder_and_closes_at_the_record_limit():
    paths = ["records/visits/2024/01/a.yaml", "records/visits/2024/01/b.yaml", "records/visits/2024/01/c.yaml",
             "records/visits/2024/02/d.yaml", "records/followups/2024-01.yaml", "records/followups/2024-02.yaml",
             "records/followups/2024-03.yaml"]
    counts = [1, runs.RUN_RECORDS - 2, 5, 1, runs.RUN_RECORDS, 3, 4]
    # a, b reach the limit with c: c still joins (the run closes once it holds the limit);
    # d is another folder; the first month alone holds the limit
    assert runs.cut(paths, counts) == [3, 1, 1, 2]
    assert runs.cut([], []) == []


def test_a_damaged_run_that_still_unpickles_is_a_miss(tmp_path):
    run_id, run = runs.pack("key", ["a.yaml", "b.yaml"], [b"1" * 32, None], ["A", "B"])
    assert runs.write(tmp_path, "key", run_id, run)
    assert runs.read(tmp_path, "key", run_id) == ("a.yaml\0b.yaml", b"1" * 32 + runs.UNKNOWN, ["A", "B"])
    assert runs.entries(run) == {"a.yaml": (b"1" * 32, "A"), "b.yaml": (None, "B")}
    assert runs.read(tmp_path, "other key", run_id) is None
    runs.write(tmp_path, "key", run_id, (run[0], run[1], ["A"]))  # a result missing
    assert runs.read(tmp_path, "key", run_id) is None


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "garage"
    write_demo(out, customers=30, seed=5, layout="record", as_of=AS_OF)
    return out


@pytest.fixture
def garage(pristine, tmp_path) -> Path:
    root = tmp_path / "garage"
    shutil.copytree(pristine, root)
    return root


def _run_files(root: Path) -> dict[Path, int]:
    return {path: path.stat().st_ino for path in (cache_dir(root) / runs.RUNS_DIR).glob("*.pickle")}


def _held(root: Path) -> list[list[str]]:
    """The paths of each run the index names, in its order."""
    key_and_index = pickle.loads((cache_dir(root) / runs.INDEX_FILE).read_bytes())
    return [pickle.loads(runs.run_path(root, run_id).read_bytes())[1][0].split("\0")
            for _, _, run_id in key_and_index[1]]


def _records(root: Path, loader) -> list:
    loaded = load_records(root, AS_OF, loader)
    return [(kind, getattr(loaded.records, kind)) for kind in ("customers", "visits", "followups", "complaints")]


def test_the_runs_cover_every_file_in_the_walks_order(garage, monkeypatch):
    import generator.load.cache as cache

    monkeypatch.setattr(cache, "PARSE_AS_RUNS", 1)  # the workers' way, as on a large dealer's cold build
    cold = CachedLoader(garage, workers=1)
    assert _records(garage, cold) == _records(garage, load_sequentially)
    walked = [path for path, _ in record_files(garage, [])]
    assert [path for paths in _held(garage) for path in paths] == walked
    assert len(_held(garage)) > 1


def test_one_edited_file_rewrites_only_its_run(garage):
    _records(garage, CachedLoader(garage, workers=1))
    before = _run_files(garage)
    edited = sorted((garage / "records" / "followups").rglob("*.yaml"))[3]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    warm = CachedLoader(garage, workers=1)
    assert _records(garage, warm) == _records(garage, load_sequentially)

    walk = record_files(garage, [])
    assert (warm.hits, warm.parsed) == (len(walk) - 1, 1)
    after = _run_files(garage)
    gone = [path for path in before if path not in after]
    made = [path for path in after if path not in before]
    assert len(gone) == 1 and len(made) == 1  # the edited file's run, under its new name
    assert all(after[path] == inode for path, inode in before.items() if path in after)
    assert sum(len(paths) for paths in _held(garage)) == len(walk)


def test_a_file_added_in_the_middle_of_a_run_is_parsed_alone(garage):
    _records(garage, CachedLoader(garage, workers=1))
    first = sorted((garage / "records" / "followups").rglob("*.yaml"))[0]
    added = first.with_name(f"{first.stem}_added.yaml")  # sorts after it, before the next one
    added.write_text(first.read_text(encoding="utf-8").replace("id: F", "id: FX", 1), encoding="utf-8")

    warm = CachedLoader(garage, workers=1)
    assert _records(garage, warm) == _records(garage, load_sequentially)
    assert warm.parsed == 1

