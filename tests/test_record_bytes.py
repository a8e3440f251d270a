"""One read per file: records loaded from bytes already read equal those loaded from the file."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from generator.load.parallel import parse_group
from generator.validate import _questionnaires, schema
from generator.validate.files import load_garage, load_record_bytes, load_record_file
from tests.conftest import write_garage

FOLLOWUPS = """\
- id: F1
  visit: RO1
  at: 2026-06-02 10:00
  channel: phone
  by: CS01
  outcome: reached
  survey: service
  comment: 很好 #1
  answers:
    reception_attitude: 9
    waiting_care: na
    overall: 10

- id: F2
  visit: RO1
  at: 2026-06-02 11:00
  channel: phone
  by: CS01
  outcome: reached
  survey: service
  answers:
    reception_attitude: 11
    lounge: 8
    overall: NA

- id: F3
  visit: RO1
  at: 2026-06-02 25:00
  channel: phone
  by: CS01
  outcome: no_answer
"""


def questionnaires(root: Path) -> dict:
    return _questionnaires(root, load_garage(root, "garage.yaml", []), [])


def test_bytes_give_the_records_and_problems_of_the_file(tmp_path):
    root = write_garage(tmp_path, {"records/followups/f.yaml": FOLLOWUPS})
    path = "records/followups/f.yaml"
    known = questionnaires(root)
    from_bytes = load_record_bytes(path, (root / path).read_bytes(), schema.FOLLOWUP, known)
    assert from_bytes == load_record_file(root, path, schema.FOLLOWUP, known)
    assert [(record.id, record.answers) for record in from_bytes.records] == [
        ("F1", {"reception_attitude": 9, "waiting_care": None, "overall": 10}),
        ("F2", {"overall": None}),
    ]
    assert [(problem.line, problem.col, problem.code, problem.message) for problem in from_bytes.problems] == [
        (8, 15, "comment-cut", "comment stops at ' #': the rest of the line is a YAML comment and is lost"),
        (22, 5, "bad-score", "answer 11 is outside the scale 1-10"),
        (23, 5, "unknown-item", "questionnaire 'service' has no item 'lounge'; the answer is ignored"),
        (28, 3, "bad-datetime", "'2026-06-02 25:00' has an impossible time of day"),
    ]
    assert from_bytes.ids == [("F1", 1), ("F2", 14), ("F3", 26)]


def test_a_group_hashes_the_bytes_it_parsed_and_reports_what_it_cannot_read(tmp_path):
    root = write_garage(tmp_path, {"records/followups/f.yaml": FOLLOWUPS})
    (root / "records" / "followups" / "folder.yaml").mkdir()
    jobs = [("records/followups/f.yaml", "followups"), ("records/followups/folder.yaml", "followups")]
    _, data, hashes = parse_group((0, root, jobs, questionnaires(root), "key"))
    key, entries = pickle.loads(data)
    digest = hashlib.sha256((root / "records/followups/f.yaml").read_bytes()).digest()
    assert key == "key"
    assert entries["records/followups/f.yaml"][0] == digest
    assert [(path, hashed.digest) for path, hashed in hashes] == [("records/followups/f.yaml", digest)]
    unread_digest, unread = entries["records/followups/folder.yaml"]
    assert unread_digest is None and unread.records == []
    assert [(problem.code, problem.message) for problem in unread.problems] == [
        ("unreadable", "cannot read the file: Is a directory")]
