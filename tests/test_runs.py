"""Load results kept in runs of consecutive files (generator.load.runs); the loader's use of
them on a demo garage is in test_cache.py."""

from __future__ import annotations

from generator.load import runs


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
