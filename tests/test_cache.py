"""The load cache: same results as no cache, never stale, a miss (not a crash) when damaged."""

from __future__ import annotations

import os
import pickle
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.demo import write_demo
from generator.load import runs
from generator.load.cache import SHARDS, CachedLoader, FileHashes, cache_dir
from generator.stats.periods import parse_period
from generator.stats.report import build_report
from generator.validate import load_records, load_sequentially, record_files

AS_OF = date(2026, 10, 8)
PERIOD = parse_period("2026-Q3")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "garage"
    write_demo(out, customers=30, seed=5, layout="record", as_of=AS_OF)
    return out


@pytest.fixture
def garage(pristine, tmp_path) -> Path:
    root = tmp_path / "garage"
    shutil.copytree(pristine, root)
    return root


def statistics(root: Path, loader=load_sequentially) -> tuple[dict | None, list]:
    """The statistics JSON (None when there are errors) and every problem."""
    loaded = load_records(root, AS_OF, loader)
    assert loaded.records is not None
    return (None if loaded.errors else build_report(loaded.records, PERIOD, AS_OF)), loaded.problems


def followup_file(root: Path) -> Path:
    """A phoned follow-up in the report period (2026-Q3) that has an overall score."""
    for path in sorted((root / "records" / "followups").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if "\n  overall: " in text and "channel: phone" in text and re.search(r"\nat: 2026-0[789]-", text):
            return path
    raise AssertionError("the demo has no scored follow-up")


def test_cold_and_warm_give_the_statistics_of_no_cache(garage):
    expected = statistics(garage)
    cold = CachedLoader(garage, workers=1)
    assert statistics(garage, cold) == expected
    assert (cold.hits, cold.parsed) == (0, len(list((garage / "records").rglob("*.yaml"))))
    warm = CachedLoader(garage, workers=1)
    assert statistics(garage, warm) == expected
    assert warm.parsed == 0 and warm.hits == cold.parsed


def test_deleting_the_cache_is_safe(garage):
    expected = statistics(garage)
    statistics(garage, CachedLoader(garage, workers=1))
    shutil.rmtree(cache_dir(garage))
    again = CachedLoader(garage, workers=1)
    assert statistics(garage, again) == expected
    assert again.hits == 0


def test_an_edited_record_is_read_again_even_with_the_same_size_and_mtime(garage):
    statistics(garage, CachedLoader(garage, workers=1))
    path = followup_file(garage)
    before = os.stat(path)
    text = path.read_text(encoding="utf-8")
    assert "channel: phone" in text
    # same byte length and the old mtime put back: only the bytes (and the ctime) tell
    path.write_text(text.replace("channel: phone", "channel:  mail", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    warm = CachedLoader(garage, workers=1)
    loaded = load_records(garage, AS_OF, warm)
    relative = path.relative_to(garage).as_posix()
    assert [f.channel for f in loaded.records.followups if f.where[0] == relative] == ["mail"]
    assert warm.parsed == 1


def test_an_edited_score_changes_the_statistics(garage):
    baseline = statistics(garage)
    statistics(garage, CachedLoader(garage, workers=1))
    path = followup_file(garage)
    text = path.read_text(encoding="utf-8")
    marker = "overall: "
    start = text.index(marker) + len(marker)
    end = text.index("\n", start)
    new_score = "1" if text[start:end].strip() != "1" else "10"
    path.write_text(text[:start] + new_score + text[end:], encoding="utf-8")
    fresh = statistics(garage)
    assert fresh != baseline  # the edit matters to the statistics ...
    assert statistics(garage, CachedLoader(garage, workers=1)) == fresh  # ... and the cache shows it


def test_a_questionnaire_change_invalidates_every_result(garage):
    before = statistics(garage, CachedLoader(garage, workers=1))
    survey = garage / "surveys" / "service.yaml"
    text = survey.read_text(encoding="utf-8")
    without_lounge = re.sub(r"\n +- id: lounge\n( {8,}.*\n)*", "\n", text)
    assert without_lounge != text
    survey.write_text(without_lounge, encoding="utf-8")
    warm = CachedLoader(garage, workers=1)
    after = statistics(garage, warm)
    assert after == statistics(garage) and after != before
    assert any(problem.code == "unknown-item" and "'lounge'" in problem.message for problem in after[1])
    assert warm.hits == 0


def test_a_settings_change_invalidates_every_result(garage):
    statistics(garage, CachedLoader(garage, workers=1))
    settings = garage / "garage.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    warm = CachedLoader(garage, workers=1)
    statistics(garage, warm)
    assert warm.hits == 0


def test_another_tool_version_invalidates_every_result(garage):
    statistics(garage, CachedLoader(garage, tool="1.0+aaaa", workers=1))
    other = CachedLoader(garage, tool="1.0+bbbb", workers=1)
    statistics(garage, other)
    assert other.hits == 0
    same = CachedLoader(garage, tool="1.0+bbbb", workers=1)
    statistics(garage, same)
    assert same.parsed == 0


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_a_damaged_cache_is_a_miss_not_a_crash(garage, damage):
    expected = statistics(garage)
    statistics(garage, CachedLoader(garage, workers=1))
    shards = sorted(cache_dir(garage).glob("runs/*.pickle")) + [cache_dir(garage) / "runs.pickle"]
    assert len(shards) > 2
    hashes = sorted(cache_dir(garage).glob("files-*.pickle"))
    assert 0 < len(hashes) <= SHARDS
    for path in shards + hashes:
        data = path.read_bytes()
        path.write_bytes({"truncate": data[:len(data) // 2], "garbage": b"\x80\x05not a pickle",
                          "empty": b""}[damage])
    again = CachedLoader(garage, workers=1)
    assert statistics(garage, again) == expected
    assert again.hits == 0


def test_a_deleted_record_file_leaves_the_results(garage):
    statistics(garage, CachedLoader(garage, workers=1))
    path = followup_file(garage)
    path.unlink()
    assert statistics(garage, CachedLoader(garage, workers=1)) == statistics(garage)


def test_a_broken_record_is_reported_from_the_cache_too(garage):
    path = followup_file(garage)
    path.write_text(path.read_text(encoding="utf-8").replace("outcome: reached", "outcome: [reached", 1),
                    encoding="utf-8")
    expected = load_records(garage, AS_OF, load_sequentially).problems
    assert any(problem.is_error for problem in expected)
    load_records(garage, AS_OF, CachedLoader(garage, workers=1))
    warm = CachedLoader(garage, workers=1)
    assert load_records(garage, AS_OF, warm).problems == expected
    assert warm.parsed == 0


def test_a_run_file_rewritten_before_it_is_read_back_is_not_trusted(garage, monkeypatch):
    """Workers write their run files; another build writing the same name between that
    and the parent reading it back must not hand this build its results."""
    import generator.load.cache as cache
    import generator.load.parallel as parallel

    expected = statistics(garage)
    other = garage.parent / "other"
    shutil.copytree(garage, other)
    changed = followup_file(other)
    changed.write_text(changed.read_text(encoding="utf-8").replace("\n  overall: ", "\n  overall: 1\n  x_: "),
                       encoding="utf-8")
    real_parse_runs = parallel.parse_runs

    def parse_then_overwrite(task):
        group, root, jobs, questionnaires, key = task
        output = real_parse_runs(task)
        _, entries = pickle.loads(parallel.parse_group((group, other, jobs, questionnaires, key))[1])
        start = 0
        for run_id, files, _ in output[1]:  # what the other build would have written there
            paths = [path for path, _ in jobs[start:start + files]]
            run = ("\0".join(paths), b"".join(entries[path][0] or runs.UNKNOWN for path in paths),
                   [entries[path][1] for path in paths])
            runs.run_path(garage, run_id).write_bytes(pickle.dumps((key, run)))
            start += files
        return output

    monkeypatch.setattr(cache, "PARSE_AS_RUNS", 1)
    monkeypatch.setattr(parallel, "parse_runs", parse_then_overwrite)
    assert statistics(garage, CachedLoader(garage, workers=1)) == expected
    monkeypatch.undo()
    warm = CachedLoader(garage, workers=1)
    assert statistics(garage, warm) == expected
    assert warm.parsed == 0


def test_one_changed_file_rewrites_only_the_file_of_hashes_holding_it(garage):
    import hashlib
    import time

    from generator.load.cache import shard_of

    past = time.time() - 120  # clearly before hashing: the stat shortcut trusts them
    for record_file in (garage / "records").rglob("*.yaml"):
        os.utime(record_file, (past, past))
    statistics(garage, CachedLoader(garage, workers=1))
    files = {location: location.stat().st_ino for location in cache_dir(garage).glob("files-*.pickle")}
    assert 1 < len(files) <= SHARDS
    path = followup_file(garage)
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    statistics(garage, CachedLoader(garage, workers=1))
    relative = path.relative_to(garage).as_posix()
    rewritten = [location for location, inode in files.items() if location.stat().st_ino != inode]
    assert rewritten == [cache_dir(garage) / f"files-{shard_of(relative):02d}.pickle"]
    assert FileHashes(garage).known[relative][1] == hashlib.sha256(path.read_bytes()).digest()


def test_csi_validate_takes_unchanged_files_from_the_cache_unless_told_not_to(garage):
    """The cached result of an unchanged file is what csi validate reports (a result
    planted in the cache shows), and --no-cache reads and checks every file again."""
    from click.testing import CliRunner

    from generator.cli import main
    from generator.problems import warning
    from generator.validate.files import FileResult

    runner = CliRunner()
    command = ["validate", "--root", str(garage), "--as-of", AS_OF.isoformat()]
    first = runner.invoke(main, command)
    assert first.exit_code == 0, first.output
    relative = followup_file(garage).relative_to(garage).as_posix()
    planted = warning(relative, 1, 1, "planted", "planted in the cache", "nothing to do")
    for run_file in cache_dir(garage).glob("runs/*.pickle"):
        key, (joined, digests, results) = pickle.loads(run_file.read_bytes())
        paths = joined.split("\0")
        if relative in paths:
            record = results[paths.index(relative)]  # a lone record with nothing to report (files.slim)
            results[paths.index(relative)] = FileResult(relative, [record], [planted], [(record.id, record.where[1])])
            run_file.write_bytes(pickle.dumps((key, (joined, digests, results))))
    assert planted.format() in runner.invoke(main, command).output
    fresh = runner.invoke(main, command + ["--no-cache"])
    assert fresh.exit_code == 0 and "planted" not in fresh.output
    assert fresh.output == first.output


def test_a_record_edited_while_the_build_reads_it_is_read_again_next_time(garage, monkeypatch):
    """The editor saves (same size, old mtime put back) just after the loader read the
    file: this build had the old bytes, and the next one must not trust them."""
    import generator.load.parallel as parallel

    path = followup_file(garage)
    relative = path.relative_to(garage).as_posix()
    text = path.read_text(encoding="utf-8")
    before = os.stat(path)
    real = parallel.load_record_bytes

    def load_then_edit(file_path, *arguments):
        result = real(file_path, *arguments)
        if file_path == relative:
            path.write_text(text.replace("channel: phone", "channel:  mail", 1), encoding="utf-8")
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        return result

    monkeypatch.setattr(parallel, "load_record_bytes", load_then_edit)
    first = load_records(garage, AS_OF, CachedLoader(garage, workers=1))
    assert [f.channel for f in first.records.followups if f.where[0] == relative] == ["phone"]
    monkeypatch.setattr(parallel, "load_record_bytes", real)
    again = CachedLoader(garage, workers=1)
    loaded = load_records(garage, AS_OF, again)
    assert [f.channel for f in loaded.records.followups if f.where[0] == relative] == ["mail"]
    assert again.parsed == 1


def test_a_fresh_checkout_with_the_last_runs_cache_reads_every_file_once_and_parses_none(garage, tmp_path,
                                                                                         monkeypatch):
    """What CI sees: the cache restored, but every file's inode and mtime new, so no stat
    shortcut holds; the files are hashed again (on every core) and all served from the cache."""
    import generator.load.parallel as parallel

    expected = statistics(garage)
    statistics(garage, CachedLoader(garage, workers=1))
    checkout = tmp_path / "checkout"
    shutil.copytree(garage, checkout)  # new inodes and mtimes, .csi/cache included
    monkeypatch.setattr(parallel, "MIN_PARALLEL_HASHES", 1)
    hashed = []
    real = parallel.hash_files

    def hash_and_note(prefix, paths, *more):
        hashed.extend(paths)
        return real(prefix, paths, *more)

    monkeypatch.setattr(parallel, "hash_files", hash_and_note)
    loader = CachedLoader(checkout, workers=1)
    assert statistics(checkout, loader) == expected
    files = sorted(path.relative_to(checkout).as_posix() for path in (checkout / "records").rglob("*.yaml"))
    assert sorted(hashed) == files
    assert (loader.hits, loader.parsed) == (len(files), 0)


def _parsed_by_the_parent(monkeypatch) -> list[str]:
    """The files the loader's usual parse (``run_groups``) is given, from now on."""
    import generator.load.parallel as parallel

    given: list[str] = []
    real_run_groups = parallel.run_groups

    def recording(root, groups, *arguments, **options):
        given.extend(path for _, jobs in groups for path, _ in jobs)
        return real_run_groups(root, groups, *arguments, **options)

    monkeypatch.setattr(parallel, "run_groups", recording)
    return given


def _edit_score(path: Path, score: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\n  overall: \d+", f"\n  overall: {score}", text, count=1), encoding="utf-8")


def _cached_then_edited(garage: Path) -> tuple[Path, str, FileHashes]:
    """A warm cache, then one follow-up's score edited and its digest vouched for, as a
    build does before loading: (the file, its relative path, the per-file hashes)."""
    statistics(garage, CachedLoader(garage, workers=1))
    path = followup_file(garage)
    relative = path.relative_to(garage).as_posix()
    _edit_score(path, "2")
    hashes = FileHashes(garage)
    hashes.digests(garage, [relative])
    return path, relative, hashes


def test_files_said_to_have_changed_are_parsed_early_and_cached(garage, monkeypatch):
    from generator.background import can_fork

    _, relative, hashes = _cached_then_edited(garage)
    expected = statistics(garage)
    given = _parsed_by_the_parent(monkeypatch)

    early = CachedLoader(garage, hashes, workers=1, changed=[relative])

    assert statistics(garage, early) == expected
    assert early.parsed == 1
    assert given == ([] if can_fork() else [relative])
    again = CachedLoader(garage, workers=1)
    assert statistics(garage, again) == expected and again.parsed == 0


def test_an_early_parse_of_bytes_nobody_vouched_for_is_not_used(garage, monkeypatch):
    path, relative, hashes = _cached_then_edited(garage)
    _edit_score(path, "3")  # edited again after the build looked at it: its digest is not the vouched one
    given = _parsed_by_the_parent(monkeypatch)

    loaded = statistics(garage, CachedLoader(garage, hashes, workers=1, changed=[relative]))

    assert given == [relative]  # parsed again the usual way
    monkeypatch.undo()
    assert loaded == statistics(garage)  # the bytes as they are now


def test_a_run_holding_a_file_no_longer_there_is_cut_again_without_it(garage):
    """A run is taken whole only when its files are the ones now at its place in the walk."""
    statistics(garage, CachedLoader(garage, workers=1))
    gone = followup_file(garage)
    relative = gone.relative_to(garage).as_posix()
    gone.unlink()
    loader = CachedLoader(garage, workers=1)
    assert statistics(garage, loader) == statistics(garage)
    assert loader.parsed == 0
    held = [pickle.loads(path.read_bytes())[1][0].split("\0") for path in cache_dir(garage).glob("runs/*.pickle")]
    assert not any(relative in paths for paths in held)
    assert sorted(path for paths in held for path in paths) == sorted(
        path.relative_to(garage).as_posix() for path in (garage / "records").rglob("*.yaml"))


# --- runs of consecutive files (generator.load.runs) ---


def _run_files(root: Path) -> dict[Path, int]:
    return {path: path.stat().st_ino for path in (runs.runs_dir(root)).glob("*.pickle")}


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



def _read_ahead_of(root: Path, *folders: str):
    """A ``ReadAhead`` whose work is only to keep what it was given: {folder: [records]}."""
    from generator.load.cache import ReadAhead
    from generator.validate.files import records_of

    return ReadAhead(folders, lambda found: {folder: [record for result in results for record in records_of(result)]
                                              for folder, results in found.items()})


@pytest.mark.parametrize("edit", ["a follow-up", "a visit", "a new visit file", "nothing"])
def test_what_is_read_ahead_is_vouched_for_only_when_it_is_what_was_loaded(garage, edit):
    """The customers' and visits' results read before the others are handed on speculatively;
    ``valid`` says whether they are exactly the records loaded."""
    assert statistics(garage, CachedLoader(garage, workers=1))[0] is not None  # the cache, made
    visit = sorted((garage / "records" / "visits").rglob("*.yaml"))[3]
    if edit == "a follow-up":
        _edit_score(followup_file(garage), "1")
    elif edit == "a visit":
        text = visit.read_text(encoding="utf-8")
        visit.write_text(re.sub(r"(?m)^mileage: \d+", "mileage: 12345", text), encoding="utf-8")
    elif edit == "a new visit file":
        text = visit.read_text(encoding="utf-8")
        (visit.parent / "RO20991231-001.yaml").write_text(text.replace(f"id: {visit.stem}", "id: RO20991231-001"),
                                                          encoding="utf-8")
    ahead = _read_ahead_of(garage, "customers", "visits")

    loaded = load_records(garage, AS_OF, CachedLoader(garage, workers=1, ahead=ahead))

    assert ahead.valid == (edit in ("a follow-up", "nothing"))
    if ahead.valid:
        assert ahead.started == {"customers": loaded.records.customers, "visits": loaded.records.visits}
    else:  # what was read ahead is the visits as they were
        assert ahead.started["visits"] != loaded.records.visits


def test_nothing_is_read_ahead_on_a_cold_load(garage):
    ahead = _read_ahead_of(garage, "customers", "visits")
    CachedLoader(garage, workers=1, ahead=ahead)(garage, [(path, kind) for path, kind in record_files(garage, [])],
                                                 load_records(garage, AS_OF, load_sequentially).records.questionnaires)
    assert (ahead.started, ahead.valid) == (None, False)
