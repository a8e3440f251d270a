"""Click commands for the service desk: init, due, new, import, export.

The lead registers them with ``for command in COMMANDS: main.add_command(command)``.
Like generator/cli.py, these only parse options, call the core and print.
Exit codes: 0 done, 1 problems in the records or rows refused, 2 usage errors.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from generator.cli_options import PERIOD_FORMS, ROOT_OPTION, IsoDate

from generator.desk import store
from generator.validate.schema import Field

MIN_FILES_FOR_PROGRESS = 200  # below this, loading takes well under a second

PERIOD_OPTION = click.option("--period", default=None, metavar="PERIOD",
                             help=f"{PERIOD_FORMS}.")


def shows_progress() -> bool:
    """Progress bars go to stderr, and only to a terminal (never into pipes, logs or CI output)."""
    return sys.stderr.isatty()


@contextmanager
def progress(length: int, label: str) -> Iterator:
    """A callable to advance by one, or None when no bar is shown."""
    if length < MIN_FILES_FOR_PROGRESS or not shows_progress():
        yield None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield lambda: bar.update(1)


def file_loader_with_progress(root, jobs, questionnaires, hashes=None):
    """The build's own loader (cache, every core), saying what it does on a big repository.

    A per-file bar would force one-by-one loading on one core; the cached,
    parallel loader is faster than any bar could make the wait feel.
    ``hashes``: a ``FileHashes`` that already knows files' SHA-256s (``known_files``).
    """
    from generator.load.cache import CachedLoader

    if len(jobs) >= MIN_FILES_FOR_PROGRESS and sys.stderr.isatty():
        click.echo(f"reading {len(jobs)} record files (unchanged files come from .csi/cache) ...", err=True)
    return CachedLoader(root, hashes)(root, jobs, questionnaires)


def load_with_cache(root: Path, as_of: date | None):
    """``load_records`` through the load cache, with the files of records/ as the last
    build's tree snapshot knows them when it still holds (a record-per-file dealer's
    walk and per-file stat lookups were ~1.5 s of each ``csi validate``)."""
    from functools import partial

    from generator.build import known_files
    from generator.validate import load_records

    discovered, hashes = known_files(root)
    return load_records(root, as_of, partial(file_loader_with_progress, hashes=hashes), discovered)


def load_or_exit(root: Path, as_of: date | None):
    """Validated records, or the validator's errors on stderr and exit 1."""
    from generator.problems import summary

    loaded = load_with_cache(root, as_of)
    if loaded.records is None or loaded.errors:
        for problem in loaded.errors:
            click.echo(problem.format(), err=True)
        click.echo(f"stopped: {summary(loaded.errors)} in the records (run csi validate for the details)", err=True)
        sys.exit(1)
    return loaded


def parse_period_option(text: str | None):
    from generator.stats.periods import parse_period

    if text is None:
        return None
    try:
        return parse_period(text)
    except ValueError as problem:
        raise click.BadParameter(str(problem), param_hint="--period") from None


# --- init ---------------------------------------------------------------------------

@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the site and of the staff README.")
@click.option("--name", default=None, help="Garage name shown on the site (default: the folder's name).")
@click.option("--install", default=None, metavar="SPEC",
              help="What the CI files install with pip: a version, or csi's git repository "
                   "(default: the repository and commit this csi was installed from, else csi-garage==VERSION).")
def init_command(directory: Path, language: str, name: str | None, install: str | None) -> None:
    """Create a new garage repository that validates and builds at once.

    Writes garage.yaml, both questionnaires, empty record folders, CI for
    GitHub Actions and GitLab (validate and build on every commit, publish
    from the default branch), editor schemas, a pre-commit hook and a README
    for staff.  Files already in DIRECTORY are left as they are.

    \b
    Example:
      csi init my-garage --language zh --name 示例汽车服务有限公司
      cd my-garage && git init && csi validate
    """
    from generator.desk.init import PUBLISHED, Refused, init_garage, install_spec

    spec = install if install is not None else install_spec()
    try:
        created = init_garage(directory, language, name, PUBLISHED if spec is None else spec)
    except Refused as refused:
        raise click.ClickException(str(refused)) from None
    for relative in created.written:
        click.echo(f"wrote {directory / relative}")
    for relative in created.kept:
        click.echo(f"kept  {directory / relative} (already there)")
    if spec is None:
        click.echo(f"\nnote: the CI files install {PUBLISHED} from the Python package index. This csi was not "
                   "installed from a git repository it could name instead: if csi is not on the index you use, "
                   "run csi init again with --install 'csi-garage @ git+https://…/csi.git@TAG' (in a new folder), "
                   "or edit the pip install line of .github/workflows/site.yml and .gitlab-ci.yml")
    click.echo("\nnext: edit garage.yaml (name, staff), then `csi validate` and `git add . && git commit`")


# --- due ----------------------------------------------------------------------------

@click.command("due")
@ROOT_OPTION
@click.option("--date", "as_of", type=IsoDate(), default=None,
              help="The day of the worklist (default: as_of in garage.yaml, else today).")
@PERIOD_OPTION
@click.option("--care-days", type=click.IntRange(0, 366), default=7, show_default=True,
              help="Care reminders falling due within this many days.")
@click.option("--format", "output_format", type=click.Choice(["text", "csv"]), default="text", show_default=True)
def due_command(root: Path, as_of: date | None, period: str | None, care_days: int, output_format: str) -> None:
    """Today's worklist: follow-ups to make, faults not fixed, complaints falling due or
    to confirm with the customer, care reminders.

    Follow-ups overdue are visits handed over in the period (default: the
    last 30 days) whose window has passed and whose customer was not
    reached; with the same --period they are exactly the ones `csi stats`
    counts as overdue.  Do-not-call customers are left out of the calls.
    Names and phones are shown unmasked: the list is for staff.

    \b
    Example:
      csi due
      csi due --date 2026-10-08 --period 2026-Q3 --format csv > worklist.csv
    """
    from generator.desk.due import format_csv, format_text, worklist

    chosen = parse_period_option(period)
    loaded = load_or_exit(root, as_of)
    found = worklist(loaded.records, loaded.as_of, chosen, care_days)
    if output_format == "csv":
        click.echo(format_csv(found), nl=False)
    else:
        click.echo(format_text(found, loaded.as_of, loaded.records.garage.language), nl=False)


# --- new ----------------------------------------------------------------------------

NEW_EXAMPLES = {
    "customer": "csi new customer --name 张伟 --phone 13812345678 --plate 粤B12345",
    "visit": "csi new visit --customer C0001 --vehicle 粤B12345 --type repair --service_advisor SA01",
    "followup": "csi new followup --visit RO20260601-001 --by CS01",
    "complaint": "csi new complaint --customer C0001 --channel phone --owner SA01",
    "action": "csi new action --kind improve --item waiting_care --owner SM01 --due 2026-08-15",
}


METAVARS = {"date": "YYYY-MM-DD", "datetime": "'YYYY-MM-DD HH:MM'", "int": "NUMBER", "number": "NUMBER",
            "money": "AMOUNT", "bool": "yes|no", "id": "ID", "ref": "ID", "list": "A,B", "plate": "PLATE"}


def _complete_ids(kind_name: str):
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        from generator.validate import schema

        root = Path(ctx.params.get("root") or ".")
        if kind_name == "staff":
            from generator.validate.files import load_garage

            garage = load_garage(root, "garage.yaml", []) if (root / "garage.yaml").is_file() else None
            found = set(garage.staff_by_id()) if garage else set()
        else:
            kind = next(kind for kind in schema.RECORD_KINDS.values() if kind.name == kind_name)
            found = store.existing_ids(root, kind)
        return sorted(entry for entry in found if entry.startswith(incomplete))[:500]
    return complete


def _field_option(field: Field, suffix: str = "") -> click.Option:
    from generator.validate import schema

    names = [f"--{field.name}"] + ([f"--{field.name.replace('_', '-')}"] if "_" in field.name else [])
    extra = {}
    if field.type == schema.ENUM:
        extra["type"] = click.Choice(field.choices)
    elif field.type == schema.REF and field.ref in ("customer", "visit", "complaint", "staff"):
        extra["shell_complete"] = _complete_ids(field.ref)
    elif field.type == schema.LIST and isinstance(field.of, Field) and field.of.ref == "staff":
        extra["shell_complete"] = _complete_ids("staff")
    help_text = field.doc + (" Comma-separated." if field.type == schema.LIST else "") + suffix
    metavar = None if field.type == schema.ENUM else METAVARS.get(field.type, "TEXT")
    return click.Option(names, default=None, help=help_text, metavar=metavar, **extra)


def _new_callback(kind_name: str):
    def callback(root: Path, **given: str | None) -> None:
        from generator.desk.new import BadValues, Refused, new_record

        if not (root / "garage.yaml").is_file():
            raise click.UsageError(f"no garage.yaml in {root}: pass --root DIR or create one with csi init")
        try:
            written = new_record(root, kind_name, given)
        except BadValues as bad:
            raise click.UsageError(str(bad)) from None
        except Refused as refused:
            raise click.ClickException(str(refused)) from None
        verb = "added to" if written.appended else "wrote"
        click.echo(f"{verb} {written.path}  ({written.record_id})")
    return callback


def new_subcommand(kind_name: str) -> click.Command:
    from generator.desk.new import KINDS, option_fields, vehicle_fields

    kind = KINDS[kind_name]
    params: list[click.Parameter] = [_field_option(field) for field in option_fields(kind)]
    if kind_name == "customer":
        params += [_field_option(field, " (first vehicle)") for field in vehicle_fields()]
    params.append(click.Option(["--root"], type=click.Path(file_okay=False, path_type=Path), default=".",
                               show_default=True, help="The garage repository (holds garage.yaml)."))
    extra = ("\n\n`--visit ID` lists the questionnaire's items under answers: ready for the scores."
             if kind_name == "followup" else "")
    return click.Command(kind_name, params=params, callback=_new_callback(kind_name), help=(
        f"Write a new {kind_name} with the next free id.{extra}\n\n"
        "Every field of the record is in the file with its meaning as a comment; optional fields "
        "are commented out.  The record goes to the folder's layout (a new file, or appended to "
        "this month's list file); an existing file is never overwritten.\n\n"
        f"\b\nExample:\n  {NEW_EXAMPLES[kind_name]}"), short_help=f"Write a new {kind_name} record.")


@click.group("new")
def new_group() -> None:
    """Write a new record with the next free id, every field present.

    \b
    Example:
      csi new followup --visit RO20260601-001 --by CS01
    """


for _kind_name in NEW_EXAMPLES:
    new_group.add_command(new_subcommand(_kind_name))


# --- import -------------------------------------------------------------------------

@click.command("import")
@click.argument("kind", type=click.Choice(["visits", "customers"]))
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--map", "map_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Column mapping (YAML); see visits-map.yaml in generator/defaults/import.")
@click.option("--dry-run", is_flag=True, help="Check every row and report, but write nothing.")
@ROOT_OPTION
def import_command(kind: str, csv_file: Path, map_file: Path, dry_run: bool, root: Path) -> None:
    """Add visits or customers from a DMS export (CSV, UTF-8 or GBK).

    Rows whose id is already recorded are skipped, so running the same file
    again adds nothing; a row that cannot be taken is reported with its row
    number (as Excel shows it) and all its reasons, and the others are
    imported.  A customer's rows (one per car) are taken together: when one
    is refused, the customer waits for the corrected file.  Exit code 1 when
    any row was refused, 2 when the mapping or the file cannot be used.

    \b
    Example:
      csi import visits 工单导出.csv --map visits-map.yaml --dry-run
    """
    from generator.desk.importer import MapError, SettingsBroken, import_file, rows_in

    if not (root / "garage.yaml").is_file():
        raise click.UsageError(f"no garage.yaml in {root}: pass --root DIR or create one with csi init")
    try:
        with progress(rows_in(csv_file), f"importing {csv_file.name}") as step:
            outcome = import_file(root, kind, csv_file, map_file, dry_run=dry_run, on_row=step)
    except MapError as failure:
        raise click.UsageError(str(failure)) from None
    except SettingsBroken as broken:
        for problem in broken.problems:
            click.echo(problem.format(), err=True)
        click.echo("nothing imported: correct the settings first (csi validate shows them)", err=True)
        sys.exit(1)
    for number, reason in outcome.rejected:
        click.echo(f"{csv_file.name} row {number}: {reason}")
    for path in outcome.paths:
        click.echo(f"wrote {path}")
    click.echo(f"{kind}: {len(outcome.added)} new, {len(outcome.already)} already recorded, "
               f"{len(outcome.rejected)} refused (read as {outcome.encoding})"
               + ("; dry run: nothing written" if dry_run else ""))
    sys.exit(1 if outcome.rejected else 0)


# --- export -------------------------------------------------------------------------

@click.command("export")
@click.option("--kind", "kinds", multiple=True,
              type=click.Choice(["customers", "vehicles", "visits", "followups", "complaints", "complaint_log",
                                 "actions", "stats"]),
              help="What to export; repeat for several (default: everything).")
@click.option("--format", "output_format", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="A .csv/.json file, or a folder for one file per kind (default: standard output).")
@PERIOD_OPTION
@click.option("--as-of", type=IsoDate(), default=None, help="Treat this date as today for the statistics.")
@ROOT_OPTION
def export_command(kinds: tuple[str, ...], output_format: str, out: Path | None, period: str | None,
                   as_of: date | None, root: Path) -> None:
    """Export records and statistics for Excel (CSV, UTF-8 with BOM) or other tools (JSON).

    One row per record: a customer's vehicles and a complaint's log are
    their own kinds, survey answers one column per item.  Nothing is
    masked (privacy masking applies to the published site only): keep
    exports inside the garage.  Existing export files are replaced.

    \b
    Example:
      csi export --kind visits > visits.csv
      csi export --out exports/ --period 2026-Q3
    """
    from generator.desk.export import RECORD_TABLES, TABLES, record_table

    chosen = kinds or TABLES
    suffix = _export_suffix(out, output_format)
    if output_format == "csv" and len(chosen) > 1 and (out is None or suffix == ".csv"):
        raise click.UsageError("CSV holds one kind per file: pass --kind, or --out FOLDER for one file per kind")
    wanted_period = parse_period_option(period)
    loaded = load_or_exit(root, as_of)
    tables = {}
    for name in chosen:
        if name in RECORD_TABLES:
            tables[name] = record_table(loaded.records, name)
        else:
            tables[name] = _stats(loaded, wanted_period, output_format)
    _write_tables(tables, output_format, out, one_file=bool(suffix))


def _export_suffix(out: Path | None, output_format: str) -> str:
    """The suffix of the one file ``--out`` names, in lower case; "" for a folder or standard output.

    A suffix that is not the format's was taken for a folder (out.txt/) or given the
    other format's text (JSON in v.csv): both are usage errors now."""
    if out is None or out.is_dir() or not out.suffix:
        return ""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise click.UsageError(f"--out {out}: name a .csv or .json file, or a folder for one file per kind")
    if suffix != f".{output_format}":
        raise click.UsageError(f"--out {out} is a {suffix} file but --format is {output_format}: "
                               f"name it .{output_format}, or pass --format {suffix[1:]}")
    return suffix


def _stats(loaded, period, output_format: str):
    from generator.desk.export import stats_table
    from generator.stats.periods import default_period
    from generator.stats.report import build_report

    report = build_report(loaded.records, period or default_period(loaded.records.garage, loaded.as_of), loaded.as_of)
    return stats_table(report) if output_format == "csv" else (["stats"], report)


def _write_tables(tables: dict, output_format: str, out: Path | None, one_file: bool) -> None:
    from generator.desk.export import to_csv, to_json

    def text_of(names: list[str]) -> str:
        if output_format == "csv":
            return to_csv(*tables[names[0]])
        return to_json({name: tables[name] for name in names})

    if out is None:
        click.echo(text_of(list(tables)), nl=False)
        return
    if one_file:
        store.replace_file(out, text_of(list(tables)))
        click.echo(f"wrote {out}", err=True)
        return
    for name in tables:
        path = out / f"{name}.{output_format}"
        store.replace_file(path, text_of([name]))
        click.echo(f"wrote {path}", err=True)


COMMANDS: list[click.Command] = [init_command, due_command, new_group, import_command, export_command]
