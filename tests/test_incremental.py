"""Whole-build reuse: nothing changed -> nothing done; anything changed -> built again, never stale."""

from __future__ import annotations

import pickle
import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.build import STATE_FILE, build, up_to_date
from generator.demo import write_demo
from generator.load.cache import LoadMemory, cache_dir, shard_of
from tests.conftest import site_files

AS_OF = date(2026, 10, 8)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A small demo garage, built once with the cache."""
    root = tmp_path_factory.mktemp("incremental") / "garage"
    write_demo(root, customers=15, seed=3, layout="month", as_of=AS_OF)
    outcome = build(root, as_of=AS_OF)
    assert outcome.ok and not outcome.reused
    return root


@pytest.fixture
def garage(built, tmp_path) -> Path:
    """A copy of the built garage whose site and cache are current."""
    root = tmp_path / "garage"
    shutil.copytree(built, root, symlinks=True)
    assert up_to_date(root, as_of=AS_OF)
    return root


def test_nothing_changed_reuses_the_published_site(built):
    index = built / "site" / "index.html"
    before = index.stat().st_mtime_ns
    first = build(built, as_of=AS_OF)
    outcome = build(built, as_of=AS_OF)
    assert outcome.ok and outcome.reused
    assert outcome.records_counted == first.records_counted
    assert outcome.problems == first.problems
    assert index.stat().st_mtime_ns == before


def test_an_edited_record_is_built_again_and_shows(garage):
    followup = sorted((garage / "records" / "followups").glob("*.yaml"))[-2]
    text = followup.read_text(encoding="utf-8")
    assert "survey: service" in text
    followup.write_text(text.replace("survey: service", "survey: servise", 1), encoding="utf-8")
    assert not up_to_date(garage, as_of=AS_OF)
    outcome = build(garage, as_of=AS_OF)
    assert not outcome.reused
    assert not outcome.ok  # the cached, valid result of the old bytes was not used
    assert any(problem.path == followup.relative_to(garage).as_posix() and problem.is_error
               for problem in outcome.problems)
    followup.write_text(text, encoding="utf-8")
    again = build(garage, as_of=AS_OF)
    assert again.ok and again.reused  # the failed build published nothing: the site is that of these bytes


def test_an_added_record_is_counted(garage):
    before = build(garage, as_of=AS_OF)
    customers = sorted((garage / "records" / "customers").glob("*.yaml"))[-1]
    text = customers.read_text(encoding="utf-8")
    assert text.startswith("- id: ") or "\n- id: " in text
    customers.write_text(text.rstrip("\n") + "\n- id: C-TEST-NEW\n  name: 测试客户\n", encoding="utf-8")
    outcome = build(garage, as_of=AS_OF)
    assert outcome.ok and not outcome.reused
    assert outcome.records_counted == before.records_counted + 1
    assert build(garage, as_of=AS_OF).reused


@pytest.mark.parametrize("change", ["template", "settings", "questionnaire", "new record file", "site edited",
                                    "site deleted", "state truncated"])
def test_any_other_input_change_means_a_new_build(garage, change):
    if change == "template":
        (garage / "site_templates").mkdir(exist_ok=True)
        (garage / "site_templates" / "extra.md.j2").write_text("x", encoding="utf-8")
    elif change == "settings":
        (garage / "garage.yaml").write_text((garage / "garage.yaml").read_text(encoding="utf-8") + "\n# note\n",
                                            encoding="utf-8")
    elif change == "questionnaire":
        (garage / "surveys" / "service.yaml").write_text(
            (garage / "surveys" / "service.yaml").read_text(encoding="utf-8") + "\n# note\n", encoding="utf-8")
    elif change == "new record file":
        (garage / "records" / "customers" / "extra.yaml").write_text("id: C-EXTRA\nname: 王五\n", encoding="utf-8")
    elif change == "site edited":
        (garage / "site" / "index.html").write_text("defaced", encoding="utf-8")
    elif change == "site deleted":
        shutil.rmtree(garage / "site")
    else:
        state = cache_dir(garage) / STATE_FILE
        state.write_bytes(state.read_bytes()[:10])
    assert not up_to_date(garage, as_of=AS_OF)


def test_another_as_of_date_or_period_means_a_new_build(garage):
    assert not up_to_date(garage, as_of=date(2026, 10, 9))
    assert not up_to_date(garage, as_of=AS_OF, period="2026-Q2")
    assert not up_to_date(garage, site_dir=garage / "public", as_of=AS_OF)
    assert up_to_date(garage, as_of=AS_OF)


def test_no_cache_builds_and_leaves_no_cache(garage):
    shutil.rmtree(cache_dir(garage))
    outcome = build(garage, as_of=AS_OF, cache=False)
    assert outcome.ok and not outcome.reused
    assert not cache_dir(garage).exists()


def test_the_saved_state_is_a_pickle_of_the_fingerprint(garage):
    key, saved = pickle.loads((cache_dir(garage) / STATE_FILE).read_bytes())
    assert key.startswith("build-") and len(saved.fingerprint) == 64


def test_monthly_reports_sharing_one_index_equal_reports_built_alone(built):
    from generator.site.build import monthly_reports
    from tests.stats_factories import but_actions
    from generator.stats.index import build_index
    from generator.stats.periods import parse_period
    from generator.stats.report import build_report
    from generator.validate import load_records

    records = load_records(built, AS_OF).records
    report = build_report(records, parse_period("2026-Q3"), AS_OF)
    shared = monthly_reports(records, report, AS_OF, build_index(records, AS_OF))
    assert len(shared) >= 6
    for label, month_report in shared:
        month = parse_period(label)
        alone = build_report(records, month, month.end)  # a month's report is as of its end
        # what differs: no care or retention (the build's day's), and the actions as their
        # dates say they stood, where a report built alone takes the status written as that day's
        assert (month_report["care"], month_report["retention"]) == (None, None)
        assert but_actions(month_report) == but_actions(alone)
    assert report == build_report(records, parse_period("2026-Q3"), AS_OF, build_index(records, AS_OF))


def test_build_reports_exactly_the_problems_validate_finds(garage):
    from generator.validate import load_records

    sorted((garage / "records" / "followups").glob("*.yaml"))[-1].unlink()  # recent visits never called back
    outcome = build(garage, as_of=AS_OF, cache=False)
    assert outcome.ok
    assert outcome.problems == load_records(garage, AS_OF).problems
    assert any(problem.code == "followup-overdue" for problem in outcome.problems)  # from the business rules


def test_a_broken_reference_stops_the_build_and_publishes_nothing(garage):
    from generator.validate import load_records

    visits = sorted((garage / "records" / "visits").glob("*.yaml"))[-1]
    text = visits.read_text(encoding="utf-8")
    visits.write_text(text.replace("customer: C", "customer: X", 1), encoding="utf-8")
    index = garage / "site" / "index.html"
    before = index.read_bytes()
    outcome = build(garage, as_of=AS_OF)
    assert not outcome.ok and outcome.failure.endswith("error(s) in the records; nothing was published")
    assert any(problem.code == "unknown-customer" and problem.is_error for problem in outcome.problems)
    assert outcome.problems == load_records(garage, AS_OF).problems
    assert index.read_bytes() == before


def test_the_profile_says_how_many_pages_mkdocs_reused(garage):
    """A score of the oldest follow-up shows on no page: every page is reused; one
    of the report's period changes some pages: those are made again, the rest reused."""
    lines: list[str] = []
    _change_an_overall_score(sorted((garage / "records" / "followups").glob("*.yaml"))[0])
    outcome = build(garage, as_of=AS_OF, log=lines.append)
    assert outcome.ok and not outcome.reused
    reused, pages = _pages_reused(lines)
    assert reused == pages > 10
    before = (garage / "site" / "index.html").read_text(encoding="utf-8")
    _change_an_overall_score(garage / "records" / "followups" / "2026-09.yaml")
    lines.clear()
    outcome = build(garage, as_of=AS_OF, log=lines.append)
    assert outcome.ok, outcome.failure
    assert (garage / "site" / "index.html").read_text(encoding="utf-8") != before
    reused, pages = _pages_reused(lines)
    assert 0 < reused < pages


def test_a_long_lived_process_keeps_unchanged_records_in_memory_never_stale(garage, tmp_path):
    """csi serve passes one LoadMemory to all its builds: the files unchanged since its last
    build come from it (every cache file is broken here to prove it), a changed file is
    parsed again, and the site is the one a build without any cache makes."""
    memory = LoadMemory()
    _change_an_overall_score(sorted((garage / "records" / "followups").glob("*.yaml"))[0])
    assert build(garage, as_of=AS_OF, memory=memory).ok
    files = memory.files
    assert files > 10
    for run_file in (cache_dir(garage) / "runs").glob("*.pickle"):
        run_file.write_bytes(b"not a pickle")
    _change_an_overall_score(garage / "records" / "followups" / "2026-09.yaml")  # on the report's pages
    lines: list[str] = []
    outcome = build(garage, as_of=AS_OF, memory=memory, log=lines.append)
    assert outcome.ok, outcome.failure
    [parse] = [line for line in lines if line.startswith("parse")]
    assert parse.endswith(f"{files - 1} from the cache, 1 parsed ({files - 1} kept in memory since the last build)")
    fresh = build(garage, tmp_path / "fresh", as_of=AS_OF, cache=False)
    assert fresh.ok and fresh.problems == outcome.problems
    assert site_files(garage / "site") == site_files(tmp_path / "fresh")


def test_the_memory_is_not_used_once_the_settings_change(garage):
    memory = LoadMemory()
    _change_an_overall_score(sorted((garage / "records" / "followups").glob("*.yaml"))[0])
    assert build(garage, as_of=AS_OF, memory=memory).ok
    settings = garage / "garage.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    lines: list[str] = []
    assert build(garage, as_of=AS_OF, memory=memory, log=lines.append).ok
    [parse] = [line for line in lines if line.startswith("parse")]
    assert f"0 from the cache, {memory.files} parsed" in parse and "memory" not in parse


def _change_an_overall_score(path: Path) -> None:
    import re

    text = path.read_text(encoding="utf-8")
    score = re.search(r"\n +overall: (\d+)\n", text)
    new = "1" if score.group(1) != "1" else "10"
    path.write_text(text[:score.start(1)] + new + text[score.end(1):], encoding="utf-8")


def _pages_reused(lines: list[str]) -> tuple[int, int]:
    import re

    [line] = [line for line in lines if line.startswith("render+mkdocs")]
    found = re.search(r"(\d+) of (\d+) pages reused from the last build", line)
    assert found, line
    return int(found.group(1)), int(found.group(2))


@pytest.fixture
def aged_record_garage(tmp_path) -> Path:
    """A record-per-file garage whose files and folders were last changed a minute ago,
    built once: its tree snapshot can be trusted (nothing within the racy window)."""
    root = tmp_path / "garage"
    write_demo(root, customers=10, seed=4, layout="record", as_of=AS_OF)
    (root / "records" / "visits" / "2027").mkdir()  # an empty folder, for a file to appear in later
    _age(root / "records")
    assert build(root, as_of=AS_OF).ok
    return root


def _age(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True) + [folder]:  # files before their folders
        _age_alone(path)


def _age_alone(path: Path) -> None:
    """``_age`` for one file or folder, not what a folder holds."""
    import os
    import time

    past = time.time_ns() - 60_000_000_000
    os.utime(path, ns=(past, past))


def _discover_line(root: Path) -> str:
    """The profile's first line of a build (which may fail: a deleted visit leaves follow-ups dangling)."""
    lines: list[str] = []
    build(root, as_of=AS_OF, log=lines.append)
    return next(line for line in lines if line.startswith("discover/hash"))


def test_nothing_changed_is_told_from_the_tree_snapshot(aged_record_garage):
    line = _discover_line(aged_record_garage)
    assert "as the last build left them; nothing changed" in line
    assert up_to_date(aged_record_garage, as_of=AS_OF)


def _scored_followups(root: Path) -> list[Path]:
    return [path for path in sorted((root / "records" / "followups").rglob("*.yaml"))
            if "\n  overall: " in path.read_text(encoding="utf-8")]


def _a_visit(root: Path) -> Path:
    return sorted((root / "records" / "visits").rglob("*.yaml"))[0]


@pytest.mark.parametrize("change", ["new file", "new file in an empty folder", "deleted file",
                                    "same size and mtime", "renamed file"])
def test_the_tree_snapshot_never_hides_a_change(aged_record_garage, change):
    import os

    root = aged_record_garage
    visit = _a_visit(root)
    text = visit.read_text(encoding="utf-8")
    copy = text.replace(f"id: {visit.stem}", "id: RO20270101-001")
    if change == "new file":
        (visit.parent / "RO20270101-001.yaml").write_text(copy, encoding="utf-8")
    elif change == "new file in an empty folder":
        (root / "records" / "visits" / "2027" / "RO20270101-001.yaml").write_text(copy, encoding="utf-8")
    elif change == "deleted file":
        visit.unlink()
    elif change == "same size and mtime":
        status = visit.stat()
        mileage = text.index("mileage: ") + len("mileage: ")
        digit = "1" if text[mileage] != "1" else "2"
        visit.write_text(text[:mileage] + digit + text[mileage + 1:], encoding="utf-8")
        os.utime(visit, ns=(status.st_atime_ns, status.st_mtime_ns))
        assert visit.stat().st_size == status.st_size
    else:
        visit.rename(visit.with_name("RO-renamed.yaml"))
    assert not up_to_date(root, as_of=AS_OF)
    assert "nothing changed" not in _discover_line(root)


def test_edits_the_snapshot_sees_are_built_and_the_snapshot_then_vouches_for_them(aged_record_garage, tmp_path):
    """One file edited at a time (and aged, as a file edited a while before the build is):
    each rebuild parses that file alone and rewrites only its file of hashes, its site is
    what a build without a cache makes, and the next build finds nothing changed from
    the updated snapshot alone."""
    root = aged_record_garage
    for followup in _scored_followups(root)[:2]:
        _change_an_overall_score(followup)
        _age(followup)
        hashes = {location: location.stat().st_ino for location in cache_dir(root).glob("files-*.pickle")}
        lines: list[str] = []

        assert not build(root, as_of=AS_OF, log=lines.append).reused

        assert ", 1 parsed" in next(line for line in lines if line.startswith("parse"))
        rewritten = [location for location, inode in hashes.items() if location.stat().st_ino != inode]
        assert rewritten == [cache_dir(root) / f"files-{shard_of(followup.relative_to(root).as_posix()):02d}.pickle"]
        assert build(root, tmp_path / "fresh", as_of=AS_OF, cache=False).ok
        assert site_files(root / "site") == site_files(tmp_path / "fresh")
        assert "as the last build left them; nothing changed" in _discover_line(root)


def test_an_edit_within_the_racy_window_is_not_vouched_for_by_the_next_snapshot(aged_record_garage):
    root = aged_record_garage
    _change_an_overall_score(_scored_followups(root)[0])

    assert not build(root, as_of=AS_OF).reused

    line = _discover_line(root)
    assert "nothing changed" in line and "as the last build left them" not in line


@pytest.mark.parametrize("touched", ["first", "last"])
def test_the_files_changed_are_found_alike_with_half_of_them_stat_ed_in_a_forked_child(aged_record_garage,
                                                                                       monkeypatch, touched):
    import os

    from generator.load import tree

    root = aged_record_garage
    snapshot = pickle.loads((cache_dir(root) / STATE_FILE).read_bytes())[1].tree
    paths = [path for path, _ in snapshot.jobs]
    assert snapshot.changed_now(str(root)) == []
    position = 0 if touched == "first" else len(paths) - 1  # in the parent's half, or the child's
    os.utime(root / paths[position], ns=(1, 1))
    alone = snapshot.changed_now(str(root))

    monkeypatch.setattr(tree, "PARALLEL_STATS", 2)
    shared = snapshot.changed_now(str(root))

    assert alone == shared == [position]
    (root / paths[position]).unlink()
    assert snapshot.changed_now(str(root)) is None


@pytest.mark.parametrize("how", ["edited", "added"])
def test_csi_validate_after_a_build_reports_an_edit_as_it_does_without_the_cache(aged_record_garage, how):
    """csi validate takes the files and their SHA-256s from the build's tree snapshot:
    the edited file (aged, so only its stat tells) is read again, not taken from the cache;
    an added one is found by listing its folder again."""
    import re

    from click.testing import CliRunner

    from generator.cli import main

    root = aged_record_garage
    visit = _a_visit(root)
    text = re.sub(r"(?m)^customer: .*$", "customer: C-NOBODY", visit.read_text(encoding="utf-8"))
    if how == "added":
        visit = visit.with_name("RO20270101-001.yaml")
        text = re.sub(r"(?m)^id: .*$", "id: RO20270101-001", text)
    visit.write_text(text, encoding="utf-8")
    _age(visit)
    if how == "added":
        _age_alone(visit.parent)
    arguments = ["validate", "--root", str(root), "--as-of", AS_OF.isoformat()]

    cached = CliRunner().invoke(main, arguments)
    fresh = CliRunner().invoke(main, arguments + ["--no-cache"])

    assert (cached.exit_code, fresh.exit_code) == (1, 1)
    assert cached.output == fresh.output
    assert f"{visit.relative_to(root).as_posix()}:2:1: error unknown-customer" in cached.output


def test_files_changed_within_the_racy_window_are_not_trusted_to_the_snapshot(tmp_path):
    """Files written a moment before the build could change again within the same
    timestamp tick: the next build checks them one by one (and finds them unchanged)."""
    root = tmp_path / "garage"
    write_demo(root, customers=10, seed=4, layout="record", as_of=AS_OF)
    assert build(root, as_of=AS_OF).ok
    line = _discover_line(root)
    assert "nothing changed" in line and "as the last build left them" not in line


@pytest.mark.parametrize("enabled", [True, False])
def test_a_build_leaves_the_collector_as_it_found_it(garage, enabled):
    """Loading and the statistics pause the collector and freeze what they keep; a
    long-lived caller gets its collector back as it was, with nothing left frozen."""
    import gc

    followup = sorted((garage / "records" / "followups").glob("*.yaml"))[-2]
    followup.write_text(followup.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        outcome = build(garage, as_of=AS_OF)
        assert outcome.ok and not outcome.reused
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == 0
    finally:
        (gc.enable if was else gc.disable)()


def test_after_files_are_added_and_removed_only_the_folders_that_changed_are_listed_again(aged_record_garage, tmp_path):
    """A file added, one removed and a new folder with a file: the build lists those folders
    again and takes the others from the tree snapshot; it finds what a full walk finds, hashes
    only the new files, and builds the site a build without a cache builds."""
    from generator.build import _Inputs
    from generator.validate import record_files

    root = aged_record_garage
    visit = _a_visit(root)
    copy = visit.read_text(encoding="utf-8").replace(f"id: {visit.stem}", "id: RO20270101-001")
    added = visit.parent / "RO20270101-001.yaml"
    added.write_text(copy, encoding="utf-8")
    (root / "records" / "visits" / "2027" / "01").mkdir()
    in_new_folder = root / "records" / "visits" / "2027" / "01" / "RO20270101-002.yaml"
    in_new_folder.write_text(copy.replace("RO20270101-001", "RO20270101-002"), encoding="utf-8")
    removed = _scored_followups(root)[-1]
    removed.unlink()
    for changed in (added, visit.parent, in_new_folder, in_new_folder.parent, in_new_folder.parent.parent,
                    removed.parent):
        _age_alone(changed)  # the others' stat as the snapshot has it: aging changes a file's ctime
    listed: list[str] = []

    inputs = _Inputs(root, root / "site", AS_OF, None, cache=True)
    assert inputs.saved_build() is None

    assert inputs.tree is not None  # rebased, not dropped
    assert [(path, kind.folder) for path, kind in inputs.jobs] == \
        [(path, kind.folder) for path, kind in record_files(root, [])]
    paths = [path for path, _ in inputs.jobs]
    assert [paths[position] for position in inputs.tree_changed] == \
        [added.relative_to(root).as_posix(), in_new_folder.relative_to(root).as_posix()]
    assert build(root, as_of=AS_OF, log=listed.append).ok
    assert ", 2 parsed" in next(line for line in listed if line.startswith("parse"))
    assert build(root, tmp_path / "fresh", as_of=AS_OF, cache=False).ok
    assert site_files(root / "site") == site_files(tmp_path / "fresh")
    assert "as the last build left them; nothing changed" in _discover_line(root)


def test_a_folder_changed_within_the_racy_window_is_listed_again_by_the_next_build(aged_record_garage):
    from generator.load.tree import SMUDGED_DIRECTORY

    root = aged_record_garage
    visit = _a_visit(root)
    added = visit.parent / "RO20270101-001.yaml"
    added.write_text(visit.read_text(encoding="utf-8").replace(f"id: {visit.stem}", "id: RO20270101-001"),
                     encoding="utf-8")  # and not aged: the build lists its folder at once

    assert build(root, as_of=AS_OF).ok

    tree = pickle.loads((cache_dir(root) / STATE_FILE).read_bytes())[1].tree
    smudged = [relative for relative, stat, _ in tree.directories if stat == SMUDGED_DIRECTORY]
    assert smudged == [visit.parent.relative_to(root).as_posix()]
    added.unlink()  # within the same tick, as far as the snapshot can tell
    assert not up_to_date(root, as_of=AS_OF)
    assert build(root, as_of=AS_OF).records_counted == sum(1 for _ in (root / "records").rglob("*.yaml"))


@pytest.mark.parametrize("seed", range(20))
def test_a_rebased_snapshot_keeps_each_remaining_file_as_it_was_and_smudges_the_new(seed):
    import random
    from array import array

    from generator.load.tree import SMUDGED, TreeSnapshot

    chance = random.Random(seed)
    paths = [f"records/visits/{n // 50:03d}/{n:05d}.yaml" for n in range(chance.randrange(1, 400))]
    stats = array("q", [chance.randrange(1 << 40) for _ in range(4 * len(paths))])
    digests = bytes(chance.randrange(256) for _ in range(32 * len(paths)))
    tree = TreeSnapshot([], [(path, "visits") for path in paths], [], stats, digests, b"all")
    now = [path for path in paths if chance.random() > 0.1] if seed else []  # seed 0: every file gone
    for _ in range(chance.randrange(5) if seed else 0):
        now.insert(chance.randrange(len(now) + 1), f"records/visits/new-{chance.random()}.yaml")

    rebased = tree.rebased([], [(path, "visits") for path in now], [])

    at = {path: position for position, path in enumerate(paths)}
    expected_stats, expected_digests = array("q"), b""
    for path in now:
        position = at.get(path)
        expected_stats.extend(SMUDGED[0] if position is None else stats[4 * position:4 * position + 4])
        expected_digests += SMUDGED[1] if position is None else digests[32 * position:32 * position + 32]
    assert (rebased.stats, rebased.digests) == (expected_stats, expected_digests)
    assert rebased.files_digest == (b"all" if now == paths else b"")


@pytest.mark.parametrize("edit", ["follow-up", "visit"])
def test_the_customer_side_blocks_made_beside_the_reading_are_those_of_the_records_loaded(aged_record_garage,
                                                                                        tmp_path, edit, monkeypatch):
    """A rebuild makes the comebacks, care and retention blocks in a forked child from the
    customers and visits read ahead; after a visit changed, that is thrown away and they are
    made from the records loaded.  Either way the site is what a build without a cache makes."""
    import re

    from generator import build as building
    from generator.background import can_fork

    used: list = []
    taken = building._customer_side_of
    monkeypatch.setattr(building, "_customer_side_of", lambda *arguments: used.append(taken(*arguments)) or used[-1])
    root = aged_record_garage
    if edit == "follow-up":
        _change_an_overall_score(_scored_followups(root)[0])
    else:
        visit = _a_visit(root)
        text = visit.read_text(encoding="utf-8")
        visit.write_text(re.sub(r"(?m)^handed_over: (\d{4}-\d\d-\d\d) \d\d:\d\d", r"handed_over: \1 23:59", text),
                         encoding="utf-8")
        assert visit.read_text(encoding="utf-8") != text

    assert build(root, as_of=AS_OF).ok
    if can_fork():
        assert [blocks is not None for blocks in used] == [edit == "follow-up"]
    assert build(root, tmp_path / "fresh", as_of=AS_OF, cache=False).ok
    assert site_files(root / "site") == site_files(tmp_path / "fresh")


def test_a_record_added_makes_again_only_the_pages_whose_markdown_changed(garage):
    """Every topic page's provenance line counts the records (and names the commit), but it is
    filled in the HTML: a page whose Markdown is otherwise the same is reused, and its HTML
    shows the new count."""
    import re

    from generator.site.build import generated_dir

    docs = generated_dir(garage) / "docs"
    before = {path.relative_to(docs): path.read_bytes() for path in docs.rglob("*.md")}
    customers = sorted((garage / "records" / "customers").glob("*.yaml"))[-1]
    customers.write_text(customers.read_text(encoding="utf-8").rstrip("\n") +
                         "\n- id: C-TEST-NEW\n  name: 测试客户\n", encoding="utf-8")
    lines: list[str] = []

    outcome = build(garage, as_of=AS_OF, log=lines.append)

    assert outcome.ok, outcome.failure
    after = {path.relative_to(docs): path.read_bytes() for path in docs.rglob("*.md")}
    same = [page for page, markdown in after.items() if before.get(page) == markdown]
    assert Path("complaints.md") in same  # a topic page with a provenance line: reused
    assert _pages_reused(lines) == (len(same), len(after))
    counted = re.search(r'<p class="csi-provenance">[^<]*?(\d+) 条', (garage / "site" / "complaints.html")
                        .read_text(encoding="utf-8"))
    assert counted and int(counted[1]) == outcome.records_counted


def test_a_broken_follow_up_file_stops_a_rebuild_whose_customer_side_blocks_were_started(garage, monkeypatch):
    """The customers and visits are unchanged, so their blocks start beside the reading; the
    follow-up file's error stops the build all the same, with the problems a load without the
    cache finds, nothing published and the blocks' child stopped."""
    import multiprocessing

    from generator.background import Background, can_fork
    from generator.validate import load_records

    cancelled: list[str] = []
    cancel = Background.cancel
    monkeypatch.setattr(Background, "cancel", lambda self: cancelled.append(self.work.__name__) or cancel(self))

    followups = garage / "records" / "followups" / "2026-09.yaml"
    followups.write_text(followups.read_text(encoding="utf-8").replace("outcome: reached", "outcome: reachd", 1),
                         encoding="utf-8")
    index = garage / "site" / "index.html"
    before = index.read_bytes()

    outcome = build(garage, as_of=AS_OF)

    assert not outcome.ok and outcome.failure.endswith("error(s) in the records; nothing was published")
    assert any(problem.code == "bad-choice" and problem.path == "records/followups/2026-09.yaml"
               for problem in outcome.problems)
    assert outcome.problems == load_records(garage, AS_OF).problems
    assert index.read_bytes() == before
    assert cancelled == (["_customer_side"] if can_fork() else [])
    assert multiprocessing.active_children() == []


def test_a_snapshot_patched_for_files_added_and_removed_is_the_one_a_walk_rebases_it_on(aged_record_garage):
    """Files coming and going in folders that hold only files (what adding a record does): the
    snapshot patched from those folders' listings alone has the files, order, stats and SHA-256s
    the general way (a walk with the snapshot's listings, then ``rebased``) gives it."""
    import random

    from generator.validate import record_files

    root = aged_record_garage
    tree = pickle.loads((cache_dir(root) / STATE_FILE).read_bytes())[1].tree
    chance = random.Random(5)
    files = sorted((root / "records").rglob("*.yaml"))
    for step in range(8):
        for path in chance.sample(files, 3):  # copies beside three files, under new names
            copy = path.with_name(f"{path.stem}-{step}.yaml")
            copy.write_bytes(path.read_bytes())
            files.append(copy)
        gone = chance.choice(files)
        gone.unlink()
        files.remove(gone)

        patched = tree.as_now(str(root))

        directories: list = []
        found: list = []
        walked = record_files(root, found, directories, known=tree.listings())
        general = tree.rebased(directories, [(path, kind.folder) for path, kind in walked], found)
        assert patched is not None
        assert (patched.jobs, patched.found, patched.stats, patched.digests, patched.files_digest) == \
            (general.jobs, general.found, general.stats, general.digests, general.files_digest)
        assert [entry[:2] for entry in patched.directories] == [entry[:2] for entry in general.directories]


def test_a_snapshot_is_not_patched_when_folders_came_or_went(aged_record_garage):
    root = aged_record_garage
    tree = pickle.loads((cache_dir(root) / STATE_FILE).read_bytes())[1].tree
    visit = _a_visit(root)
    (visit.parent / "RO20270101-001.yaml").write_bytes(visit.read_bytes())
    assert tree.as_now(str(root)) is not None
    (root / "records" / "visits" / "2027" / "01").mkdir()  # a folder inside one that held none
    assert tree.as_now(str(root)) is None
    (root / "records" / "visits" / "2027" / "01").rmdir()
    (root / "records" / "visits" / "2027" / "RO20270101-002.yaml").write_bytes(visit.read_bytes())
    assert tree.as_now(str(root)) is None  # a file in a folder that held none: no stretch to patch
    (root / "records" / "visits" / "2027" / "RO20270101-002.yaml").unlink()
    (root / "records" / "notes").mkdir()  # records/ itself changed: an unknown folder to report
    assert tree.as_now(str(root)) is None
