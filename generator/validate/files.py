"""Per-file work: read, decode, parse and convert one file.

Each function here depends only on its file's bytes (and, for follow-ups, the
questionnaires), so files can be handled in any order, in parallel, or served
from a cache keyed by content.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from generator import model
from generator.load.source import decode, read_file
from generator.load.yamlsafe import Mapping, Sequence, parse
from generator.problems import Problem, error, warning
from generator.stats.scores import survey_frame, weigh_answers
from generator.validate import schema
from generator.validate.convert import NOT_APPLICABLE, Converter, Invalid, score

DEFAULT_BANDS = (
    ("very_satisfied", 9, 10), ("satisfied", 7, 8), ("neutral", 5, 6),
    ("dissatisfied", 3, 4), ("very_dissatisfied", 1, 2),
)


@dataclass
class FileResult:
    path: str
    records: list = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # (id, line) of every record that named an id, usable or not, so that a
    # broken record does not also produce "unknown id" errors everywhere else;
    # None when they are exactly the records' own (files.slim): see ``named``
    ids: list[tuple[str, int]] | None = field(default_factory=list)
    # the references of each record refused for another problem (a required field left
    # empty, a bad value), and of each entry dropped from a record (a log entry without its
    # action): ((path, line), [(YAML key, kind referred to, id)]), so that an unknown staff
    # or customer id is reported in the same run, not after the fix
    loose: list[tuple[model.Source, list[tuple[str, str, str]]]] = field(default_factory=list)

    def named(self) -> list[tuple[str, int]]:
        """(id, line) of every record of the file that named an id."""
        if self.ids is None:
            return [(record.id, record.where[1]) for record in self.records]
        return self.ids


def slim(result: FileResult) -> FileResult | object:
    """What the loaders hand on for a file: the record itself when the file holds one
    record, has no problem and names only that record's id (nearly every file of a
    record-per-file dealer), else the ``FileResult``.

    Why: a FileResult and its three lists were a third of the objects a
    record-per-file dealer's rebuild unpickled from the load cache (254,215 of them).
    ``records_of`` reads either.
    """
    if len(result.records) == 1 and not result.problems:
        record = result.records[0]
        if result.ids == [(record.id, record.where[1])]:
            return record
    if result.ids is not None and result.ids == [(record.id, record.where[1]) for record in result.records]:
        # a month's file names 2,000 ids, all its records': 250,000 tuples fewer to unpickle
        result.ids = None
    return result


def records_of(result: FileResult | object) -> list | tuple:
    return result.records if type(result) is FileResult else (result,)


def read_tree(root: Path, path: str, problems: list[Problem]) -> object | None:
    """Parse one file into text-valued YAML nodes; problems go to `problems`."""
    data = read_bytes(root, path, problems)
    return None if data is None else parse_tree(path, data, problems)


def read_bytes(root: Path, path: str, problems: list[Problem]) -> bytes | None:
    """The file's bytes, or None with the reason in `problems`."""
    try:
        # a joined string: pathlib objects cost more than the read for a one-record file
        return read_file(os.path.join(root, path))
    except OSError as failure:
        problems.append(unreadable(path, failure))
        return None


def unreadable(path: str, failure: OSError) -> Problem:
    if failure.errno == errno.ENOENT:  # listed a moment ago: a link to nothing, or deleted meanwhile
        return error(path, 0, 0, "unreadable", "cannot read the file: it is a link to a file that does not exist",
                     "restore the file it links to, or remove the link")
    if failure.errno == errno.ELOOP:
        return error(path, 0, 0, "unreadable", "cannot read the file: it is a link that leads back to itself",
                     "remove the link, or make it a link to the record file")
    return error(path, 0, 0, "unreadable", f"cannot read the file: {failure.strerror}", "check its permissions")


def parse_tree(path: str, data: bytes, problems: list[Problem]) -> object | None:
    """``read_tree`` for bytes already read."""
    text, source_errors = decode(data)
    for found in source_errors:
        problems.append(error(path, found.line, found.col, found.code, found.message, found.hint))
    if text is None:
        return None
    tree, yaml_errors = parse(text)
    for found in yaml_errors:
        problems.append(error(path, found.line, found.col, found.code, found.message, found.hint))
    return None if yaml_errors else tree


def load_record_file(root: Path, path: str, kind: schema.Kind,
                     questionnaires: dict[str, model.Questionnaire]) -> FileResult:
    result = FileResult(path)
    data = read_bytes(root, path, result.problems)
    return result if data is None else _load_records(result, data, kind, questionnaires)


def load_record_bytes(path: str, data: bytes, kind: schema.Kind,
                      questionnaires: dict[str, model.Questionnaire],
                      surveys: dict[str, _Survey] | None = None) -> FileResult:
    """``load_record_file`` for the file's bytes, already read (to hash them, say).

    ``surveys``: a dict kept across the calls of one batch of files with the same
    ``questionnaires``, so that each questionnaire is prepared once per batch
    instead of once per file (a record-per-file dealer has 130,000 follow-up files).
    """
    return _load_records(FileResult(path), data, kind, questionnaires, surveys)


def _load_records(result: FileResult, data: bytes, kind: schema.Kind,
                  questionnaires: dict[str, model.Questionnaire], surveys: dict[str, _Survey] | None = None
                  ) -> FileResult:
    path = result.path
    note_text_name(path, result.problems)
    surveys = {} if surveys is None else surveys
    tree = parse_tree(path, data, result.problems)
    if tree is None:
        return result
    if isinstance(tree, Mapping):
        entries, positions = [tree], [(tree.line, tree.col)]
    elif isinstance(tree, Sequence):
        entries, positions = tree, tree.item_pos
    else:
        result.problems.append(error(path, 1, 1, "not-a-record",
                                     f"a file under records/{kind.folder}/ holds one {kind.name} or a list of them",
                                     "start with `id: ...` for one record, or `- id: ...` for a list"))
        return result
    converter = Converter(path, result.problems)
    for entry, (line, col) in zip(entries, positions):
        named = isinstance(entry, Mapping) and isinstance(entry.get("id"), str)
        if named:
            result.ids.append((entry["id"], line))
        values = converter.record(entry, kind, line, col)
        if values is None and named and converter.unusable is None:
            result.ids.pop()  # a visit in records/customers/ names no customer: its id is no customer's
        if values is None or converter.dropped:
            referred = list(references_in(converter.unusable or {}, kind)) if values is None else []
            for nested, partial, key in converter.dropped:
                referred += references_in(partial, nested, key)
            converter.dropped.clear()
            if referred:
                result.loose.append(((path, line), referred))
            if values is None:
                if kind is schema.FOLLOWUP and converter.unusable:  # its answers' problems too, in the same run
                    _answers(converter.unusable, questionnaires, surveys, converter)
                continue
        if kind is schema.FOLLOWUP:
            _answers(values, questionnaires, surveys, converter)
        result.records.append(kind.model(**values, where=(path, line)))
    return result


def _answers(values: dict, questionnaires: dict[str, model.Questionnaire], surveys: dict[str, _Survey],
             converter: Converter) -> None:
    """A follow-up's answers checked and scored in ``values``, and weighed for its questionnaire."""
    survey_id = values.get("survey") or ""
    survey = surveys.get(survey_id)
    if survey is None:
        survey = surveys[survey_id] = _Survey(questionnaires.get(survey_id))
    values["answers"] = _scores(values.get("answers", {}), values, survey, converter)
    if survey.frame is not None and survey_id:
        values["weighed"] = weigh_answers(values["answers"], survey.frame)


def references_in(values: dict, kind: schema.Kind, key: str | None = None):
    """(YAML key, kind referred to, id) of every reference among a record's converted
    ``values`` (keyed by model attribute); those of its nested entries under the key that
    holds them (``log``, ``compensation``), as the checks of usable records name them."""
    for declared in kind.fields:
        value = values.get(declared.attribute)
        if value is None:
            continue
        if declared.type == schema.REF and isinstance(value, str):
            yield key or declared.name, declared.ref, value
        elif declared.type == schema.LIST and isinstance(declared.of, schema.Field) and declared.of.type == schema.REF:
            yield from ((key or declared.name, declared.of.ref, each) for each in value if isinstance(each, str))
        elif isinstance(declared.of, schema.Kind) and declared.type in (schema.LIST, schema.OBJECT):
            for entry in value if declared.type == schema.LIST else (value,):
                yield from references_in({nested.attribute: getattr(entry, nested.attribute, None)
                                          for nested in declared.of.fields}, declared.of, key or declared.name)
    if kind is schema.FOLLOWUP and isinstance(values.get("by"), str) and values.get("source") != "external":
        yield "by", "staff", values["by"]  # (an external survey's caller is the survey firm, named as typed)


class _Survey:
    """A questionnaire as the answers of a batch of files need it, worked out once per batch."""

    __slots__ = ("questionnaire", "scale", "known", "items", "plain", "frame")

    def __init__(self, questionnaire: model.Questionnaire | None) -> None:
        self.questionnaire = questionnaire
        # Weighing the answers (``Followup.weighed``) needs only the questionnaire, and
        # here it runs on every core and is kept in the load cache with the file,
        # instead of once per follow-up in the statistics' index on one core.
        self.frame = survey_frame(questionnaire) if questionnaire is not None else None
        self.scale = (questionnaire.scale_min, questionnaire.scale_max) if questionnaire else (1, 10)
        self.known = questionnaire.item_ids() if questionnaire else None
        # item id -> the questionnaire's own string for it: the answers of every
        # follow-up then share one key object per item, pickled once per group
        self.items = {item_id: item_id for item_id in self.known} if self.known is not None else None
        low, high = self.scale
        # answer text -> score, for answers typed the plain way ("8", "na"): exactly
        # what ``score`` returns for them, without its folding and matching
        self.plain: dict[str, int | None] = dict.fromkeys(NOT_APPLICABLE)
        if high - low <= 1000:
            self.plain.update({str(value): value for value in range(low, high + 1)})


def _scores(raw_answers: dict, followup: dict, survey: _Survey, converter: Converter) -> dict[str, int | None]:
    """Check each answer against its questionnaire's scale and items.

    ``raw_answers`` is the parsed ``answers:`` mapping (item id -> text, with
    ``key_pos``), or {} when there is none.
    """
    if followup.get("outcome", "reached") != "reached" and raw_answers and \
            all(text is None for text in raw_answers.values()):
        return {}  # the items csi new listed, left blank by a call that did not reach the customer
    plain, items = survey.plain, survey.items
    try:  # the usual follow-up: every answer typed plainly, for an item of the questionnaire
        scores = {items[item_id]: plain[text] for item_id, text in raw_answers.items()}
    except (KeyError, TypeError):  # an unknown item or questionnaire, or an answer like None, [8] or "NA"
        scores = _checked_scores(raw_answers, survey, converter)
    if raw_answers and not followup.get("survey"):
        converter.problems.append(error(converter.path, followup_line(raw_answers), 1, "missing-field",
                                        "a follow-up with answers needs `survey:` naming its questionnaire",
                                        "add `survey: service` (or sales)"))
    return scores


def _checked_scores(raw_answers: Mapping, survey: _Survey, converter: Converter) -> dict[str, int | None]:
    """Each answer in turn, with a problem for each one that is not a score on the scale of a known item."""
    questionnaire, scale, known = survey.questionnaire, survey.scale, survey.known
    scores: dict[str, int | None] = {}
    for item_id, text in raw_answers.items():
        line, col = raw_answers.key_pos[item_id]
        if not isinstance(text, str):
            if text is None:
                converter.problems.append(warning(converter.path, line, col, "empty-answer",
                                                  f"answer to {item_id} is empty and counts as not applicable",
                                                  "write a score or na", item=item_id))
                scores[item_id] = None
                continue
            converter.fail(line, col, Invalid("bad-score", f"answer to {item_id} must be a score or na",
                                              f"write `{item_id}: 8` or `{item_id}: na`"))
            continue
        try:
            scores[item_id] = score(text, scale)
        except Invalid as invalid:
            converter.fail(line, col, invalid)
            continue
        if known is not None and item_id not in known:
            converter.problems.append(warning(converter.path, line, col, "unknown-item",
                                              f"questionnaire {questionnaire.id!r} has no item {item_id!r}; the answer is ignored",
                                              _suggest(item_id, known), questionnaire=questionnaire.id, item=item_id))
            del scores[item_id]
    return scores


def followup_line(raw_answers: Mapping) -> int:
    return min(line for line, _col in raw_answers.key_pos.values())



def _suggest(name: str, known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"did you mean {close[0]!r}?" if close else "see the questionnaire's item ids in surveys/"


def _settings_tree(root: Path, path: str, problems: list[Problem], what: str) -> object | None:
    """``read_tree`` for a settings or questionnaire file, which an empty document cannot be
    (a record folder's empty file holds no records; this file would hold nothing at all)."""
    reported = len(problems)
    tree = read_tree(root, path, problems)
    if tree is None and len(problems) == reported:
        problems.append(error(path, 1, 1, "empty-file", f"the file is empty: it holds no {what}",
                              "write it out in full; `csi init` writes a complete one to copy from"))
    return tree


def note_text_name(path: str, problems: list[Problem]) -> None:
    """A file read as YAML whose name ends in .txt (load.source.NOTEPAD_SUFFIXES): say to rename it."""
    if path[-4:].lower() != ".txt":
        return
    name = path.rpartition("/")[2]
    problems.append(warning(path, 1, 1, "txt-name", f"{name} is read as YAML, but its name ends in .txt",
                   f"rename it to {name[:-4]} (Windows Notepad adds .txt unless 'All files' is chosen "
                   "when saving, and Explorer hides it)", name=name))


def load_garage(root: Path, path: str, problems: list[Problem]) -> model.Garage | None:
    tree = _settings_tree(root, path, problems, "settings")
    if tree is None:
        return None
    converter = Converter(path, problems)
    garage = converter.instance(tree, schema.GARAGE, 1, 1)
    return garage if isinstance(garage, model.Garage) else None


def load_questionnaire(root: Path, path: str, garage: model.Garage | None,
                       problems: list[Problem]) -> model.Questionnaire | None:
    note_text_name(path, problems)
    tree = _settings_tree(root, path, problems, "questionnaire")
    if tree is None:
        return None
    converter = Converter(path, problems)
    values = converter.record(tree, schema.QUESTIONNAIRE, 1, 1)
    if values is None:
        return None
    scale = values.get("scale") or {}
    sections = values.get("sections", [])
    for section in sections:
        for survey_item in section.items:
            survey_item.section = section.id
    overall = values.get("overall")
    bands = values.get("bands") or (garage.bands if garage and garage.bands else None)
    if not bands:
        bands = [model.Band(band_id, low, high) for band_id, low, high in DEFAULT_BANDS]
    questionnaire = model.Questionnaire(
        id=values["id"], kind=values["kind"], title=values["title"],
        scale_min=scale.get("min", 1), scale_max=scale.get("max", 10), bands=bands,
        sections=sections, overall=overall, where=(path, getattr(tree, "line", 1)))
    _check_questionnaire(questionnaire, tree, converter)
    return questionnaire


def _check_questionnaire(questionnaire: model.Questionnaire, tree: Mapping, converter: Converter) -> None:
    path, problems = converter.path, converter.problems
    if questionnaire.scale_min >= questionnaire.scale_max:
        problems.append(error(path, tree.key_pos.get("scale", (1, 1))[0], 1, "bad-scale",
                              f"scale min {questionnaire.scale_min} must be below max {questionnaire.scale_max}",
                              "write scale: {min: 1, max: 10}"))
    seen: set[str] = set()
    for survey_item in questionnaire.items():
        if survey_item.id in seen:
            problems.append(error(path, tree.line, tree.col, "duplicate-id",
                                  f"questionnaire {questionnaire.id!r} has item {survey_item.id!r} twice",
                                  "give every item its own id"))
        seen.add(survey_item.id)
    # Two sections of one id were scored as one, their weights lost; sections all of
    # weight 0 leave nothing to score (a shortcut even gave such a response a CSI below 0).
    sections_seen: set[str] = set()
    for section in questionnaire.sections:
        if section.id in sections_seen:
            problems.append(error(path, tree.key_pos.get("sections", (1, 1))[0], 1, "duplicate-id",
                                  f"questionnaire {questionnaire.id!r} has section {section.id!r} twice",
                                  "give every section its own id"))
        sections_seen.add(section.id)
    if questionnaire.sections and not any(section.weight > 0 for section in questionnaire.sections):
        problems.append(error(path, tree.key_pos.get("sections", (1, 1))[0], 1, "bad-weights",
                              "every section has weight 0, so no response can be scored",
                              "give at least one section a weight above 0"))
    covered = sorted((band.min, band.max) for band in questionnaire.bands)
    expected = questionnaire.scale_min
    for low, high in covered:
        if low != expected or high < low:
            problems.append(error(path, tree.key_pos.get("bands", (1, 1))[0], 1, "bad-bands",
                                  f"bands must cover {questionnaire.scale_min}-{questionnaire.scale_max} without gaps or overlaps",
                                  "check each band's min and max"))
            return
        expected = high + 1
    if expected != questionnaire.scale_max + 1:
        problems.append(error(path, tree.key_pos.get("bands", (1, 1))[0], 1, "bad-bands",
                              f"bands must cover {questionnaire.scale_min}-{questionnaire.scale_max} without gaps or overlaps",
                              "check each band's min and max"))
