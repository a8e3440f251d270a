"""Parallel loading gives exactly what loading one file after another gives."""

from __future__ import annotations

import gc
import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.demo import write_demo
from generator.load.parallel import collector_paused, load_in_parallel, split
from generator.stats.periods import parse_period
from generator.stats.report import build_report
from generator.validate import load_records, load_sequentially, record_files

AS_OF = date(2026, 10, 8)
PERIOD = parse_period("2026-Q3")


@pytest.fixture(scope="module")
def layouts(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("layouts")
    for layout in ("record", "month"):
        write_demo(base / layout, customers=30, seed=5, layout=layout, as_of=AS_OF)
    return {layout: base / layout for layout in ("record", "month")}


def in_two_workers(root, jobs, questionnaires):
    return load_in_parallel(root, jobs, questionnaires, workers=2)


@pytest.mark.parametrize("layout", ["record", "month"])
def test_two_workers_give_the_records_and_problems_of_one(layouts, layout):
    one = load_records(layouts[layout], AS_OF, load_sequentially)
    two = load_records(layouts[layout], AS_OF, in_two_workers)
    assert two.records == one.records
    assert two.problems == one.problems
    assert [f.where for f in two.records.followups] == [f.where for f in one.records.followups]


def test_problems_in_broken_files_come_back_from_the_workers(layouts, tmp_path):
    root = tmp_path / "garage"
    shutil.copytree(layouts["record"], root)
    visit = sorted((root / "records" / "visits").rglob("*.yaml"))[0]
    visit.write_text("id: [unclosed\n", encoding="utf-8")
    followup = sorted((root / "records" / "followups").rglob("*.yaml"))[0]
    followup.write_bytes(b"id: F1\ncomment: \xff\n")
    one = load_records(root, AS_OF, load_sequentially)
    two = load_records(root, AS_OF, in_two_workers)
    assert two.problems == one.problems
    broken = {problem.path for problem in two.errors}
    assert {visit.relative_to(root).as_posix(), followup.relative_to(root).as_posix()} <= broken


def test_the_statistics_json_is_the_same_in_both_layouts(layouts):
    reports = []
    for layout in ("record", "month"):
        loaded = load_records(layouts[layout], AS_OF, in_two_workers)
        assert not loaded.errors
        reports.append(build_report(loaded.records, PERIOD, AS_OF))
    assert reports[0] == reports[1]
    assert reports[0]["responses"] > 0


def test_groups_cover_every_file_once(layouts):
    jobs = record_files(layouts["month"], [])
    groups = split(jobs, 2)
    flat = [job for _, group in groups for job in group]
    assert sorted(flat, key=lambda job: job[0]) == sorted(jobs, key=lambda job: job[0])
    assert len({group for group, _ in groups}) == len(groups)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_and_restored(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(ValueError):
            with collector_paused():
                raise ValueError("a failure while loading")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_answers_weighed_by_the_loader_give_the_statistics_of_the_index(layouts):
    """The loader weighs each follow-up's answers (on every core, kept in the load cache);
    the report must be the one the statistics get by weighing them themselves, under the
    garage's own bands too (satisfaction depends on them, the weighing must not)."""
    from dataclasses import replace

    from generator.model import Band

    loaded = load_records(layouts["month"], AS_OF, in_two_workers)
    followups = loaded.records.followups
    weighed = [f for f in followups if f.weighed is not None]
    assert len(weighed) > len(followups) // 2
    assert any(None in f.answers.values() for f in weighed)  # the path for skipped items too
    strict = [Band("very_satisfied", 10, 10), Band("satisfied", 9, 9), Band("neutral", 5, 8),
              Band("dissatisfied", 3, 4), Band("very_dissatisfied", 1, 2)]
    for bands in (None, strict):
        loaded.records.garage.bands = bands
        for questionnaire in loaded.records.questionnaires.values():
            questionnaire.bands = []
        from_loader = build_report(loaded.records, PERIOD, AS_OF)
        unweighed = replace(loaded.records, followups=[f._replace(weighed=None) for f in followups])
        assert build_report(unweighed, PERIOD, AS_OF) == from_loader
    lenient = build_report(replace(loaded.records, garage=replace(loaded.records.garage, bands=None)), PERIOD, AS_OF)
    assert lenient != from_loader  # the bands did change the report


def test_files_hashed_on_two_workers_are_hashed_as_one_by_one(layouts, tmp_path):
    import hashlib
    import os

    from generator.load.parallel import hash_files

    root = layouts["record"]
    paths = [path for path, _ in record_files(root, [])]
    (tmp_path / "empty.yaml").write_bytes(b"")
    (tmp_path / "large.yaml").write_bytes("客户: 满意\n".encode() * 300_000)  # several reads' worth
    for path in paths[:40]:
        shutil.copy(root / path, tmp_path / path.replace("/", "_"))
    names = sorted(entry.name for entry in tmp_path.iterdir()) + ["missing.yaml"]
    found = hash_files(f"{tmp_path}/", names, workers=2)
    assert len(found) == len(names) == 43
    for name, (digest, hashed) in zip(names, found):
        if name == "missing.yaml":
            assert (digest, hashed) == (None, None)
            continue
        expected = hashlib.sha256((tmp_path / name).read_bytes()).digest()
        status = os.stat(tmp_path / name)
        assert digest == hashed.digest == expected, name
        assert hashed.stat == (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino), name
    one_by_one = hash_files(f"{tmp_path}/", names, workers=1)  # (the clock readings differ)
    assert [(digest, hashed and hashed.stat) for digest, hashed in found] == \
        [(digest, hashed and hashed.stat) for digest, hashed in one_by_one]


@pytest.mark.parametrize("written, size", [(b"abcdef", 3), (b"abc", 10), (b"abc", 3), (b"", 0), (b"", 5)])
def test_a_file_read_whole_whatever_size_it_had_when_opened(written, size):
    """A file that grew or shrank since its size was taken, or a short read, still comes back whole."""
    import os

    from generator.load.source import read_to_end

    reader, writer = os.pipe()  # a pipe hands out what was written, however much was asked
    try:
        os.write(writer, written)
        os.close(writer)
        assert read_to_end(reader, size) == written
    finally:
        os.close(reader)


def test_a_repeated_id_is_reported_alike_from_lone_records_and_from_lists(layouts, tmp_path):
    """The workers hand on a file's lone record instead of its FileResult (files.slim); an id
    used twice is still an error at the second file's line, as loading one by one says."""
    root = tmp_path / "garage"
    shutil.copytree(layouts["record"], root)
    visit = sorted((root / "records" / "visits").rglob("*.yaml"))[0]
    (visit.parent / "again.yaml").write_bytes(visit.read_bytes())  # a lone record, same id
    record_id = next(line[4:] for line in visit.read_text(encoding="utf-8").splitlines() if line.startswith("id: "))
    # a list of one whose record has something to report, so it stays a FileResult
    in_a_list = "- " + visit.read_text(encoding="utf-8").replace("\n", "\n  ").rstrip() + "\n  colour: red\n"
    (visit.parent / "list.yaml").write_text(in_a_list, encoding="utf-8")
    one = load_records(root, AS_OF, load_sequentially)
    two = load_records(root, AS_OF, in_two_workers)
    assert two.problems == one.problems
    repeated = [(problem.path, problem.line, problem.message) for problem in two.errors if problem.code == "duplicate-id"]
    first = visit.relative_to(root).as_posix()
    assert len(repeated) == 2
    for path, line, message in repeated:
        assert path in {(visit.parent / name).relative_to(root).as_posix() for name in ("again.yaml", "list.yaml")}
        assert line == 1 and message == f"visit id {record_id!r} is already used at {first}:1"


def test_only_a_file_with_one_record_and_nothing_to_say_is_handed_on_as_its_record(layouts):
    from generator.validate import schema
    from generator.validate.files import FileResult, load_record_bytes, slim

    lone = load_record_bytes("v.yaml", b"id: V1\ncustomer: C1\nvehicle: A1\ntype: repair\n"
                             b"check_in: 2026-09-01 09:30\nservice_advisor: SA01\n", schema.VISIT, {})
    assert lone.records and not lone.problems
    assert slim(lone) is lone.records[0]
    noted = load_record_bytes("v.yaml", b"id: V1\ncustomer: C1\nvehicle: A1\ntype: repair\n"
                              b"check_in: 2026-09-01 09:30\nservice_advisor: SA01\ncolour: red\n", schema.VISIT, {})
    assert noted.problems and slim(noted) is noted  # an unknown key is reported
    two = load_record_bytes("v.yaml", b"- id: V1\n  customer: C1\n  vehicle: A1\n  type: repair\n"
                            b"  check_in: 2026-09-01 09:30\n  service_advisor: SA01\n"
                            b"- id: V2\n  customer: C1\n  vehicle: A1\n  type: repair\n"
                            b"  check_in: 2026-09-02 09:30\n  service_advisor: SA01\n", schema.VISIT, {})
    assert len(two.records) == 2 and isinstance(slim(two), FileResult)


def test_where_processes_cannot_fork_the_workers_start_new_interpreters(layouts, monkeypatch):
    """Windows has neither fork nor a fork server: the same records, from spawned workers."""
    import generator.load.parallel as parallel

    asked = []

    def context(method):
        asked.append(method)
        return real_context(method)

    real_context = parallel.get_context
    monkeypatch.setattr(parallel, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(parallel, "get_context", context)
    root = layouts["month"]
    one = load_records(root, AS_OF, load_sequentially)
    two = load_records(root, AS_OF, in_two_workers)
    assert asked == ["spawn"]
    assert two.records == one.records and two.problems == one.problems
