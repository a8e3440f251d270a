"""The `csi` command line: parses options, calls the core, prints.

Exit codes: 0 clean (or warnings only), 1 problems in the records, 2 usage errors,
3 a fault of csi itself (a bug: one line says so, a file holds the details).
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import suppress
from datetime import date
from pathlib import Path

import click

from generator import __version__
from generator.cli_options import PERIOD_FORMS, ROOT_OPTION, IsoDate
from generator.model import DEMO_YEARS


AS_OF_OPTION = click.option("--as-of", type=IsoDate(), default=None,
                            help="Treat this date as today (default: as_of in garage.yaml, else today).")


# ``ctx.obj`` of a real `csi` process (``run``); tests invoke ``main`` in their own process
_OWN_PROCESS = "own process"


def run() -> None:
    """The `csi` program (console script): ``main`` in a process of its own.

    A fault of csi's own ends in one line that says so and where its details are, not in
    a traceback on the service desk's screen: the records are not to blame, and the
    details are what a report to the maintainers needs.  (Problems in the records,
    and wrong options, never get here: they are reported and exit 1 or 2.)
    """
    try:
        main(obj=_OWN_PROCESS)
    except OSError as failure:  # the file system said no (a file where a folder goes, no room, no right)
        click.echo(f"csi: {file_system_message(failure)}", err=True)
        sys.exit(1)
    except Exception as fault:  # click has handled its own exceptions and exits already
        details = _fault_report()
        click.echo(f"csi {__version__}: internal error, a bug in csi and not a problem in the records "
                   f"({type(fault).__name__}: {fault}). Please send {details} to the csi maintainers.", err=True)
        sys.exit(3)


def file_system_message(failure: OSError) -> str:
    """The path and the system's reason, and what to check: not a fault of csi's, so no report."""
    from generator.problems import file_system_reason

    names = " -> ".join(str(name) for name in (failure.filename, failure.filename2) if name)
    if not names:  # not a path (a socket, a pipe): the system's words are all there is
        return f"the system refused: {file_system_reason(failure)}"
    return (f"could not use {names}: {file_system_reason(failure)}; check the path, "
            "that you may write there and that the disk has room")


def _fault_report() -> str:
    """The traceback of the exception being handled, written to a new file in the system's
    temporary folder (not the garage repository: it is the staff's); the file's path."""
    import tempfile
    import traceback

    text = (f"csi {__version__}, Python {sys.version.split()[0]}, {sys.platform}\n"
            f"command: {' '.join(sys.argv)}\n\n{traceback.format_exc()}")
    try:
        handle, path = tempfile.mkstemp(prefix="csi-fault-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as report:
            report.write(text)
    except OSError:  # nowhere to write it: the details go with the message instead
        click.echo(text, err=True)
        return "the details above"
    return path


def _own_process() -> bool:
    return click.get_current_context().obj == _OWN_PROCESS


def _finish(code: int) -> None:
    """Exit with ``code``; a process of its own leaves without tearing itself down.

    Why: after a large dealer's build or check, freeing its quarter of a million
    records object by object took ~0.35 s, and the process is done with them.
    Everything it wrote is written and closed by then; only the output is flushed.
    """
    # (not under a profiler or a coverage tracer: they write their results at exit)
    if _own_process() and sys.getprofile() is None and sys.gettrace() is None:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError):  # a reader gone (csi validate | head): as Python's own exit
                stream.flush()
        os._exit(code)
    sys.exit(code)


def _echo_problems(problems, stream_err: bool = False) -> None:
    for problem in problems:
        click.echo(problem.format(), err=stream_err)


class _Commands(click.Group):
    """Adds the service-desk commands (issue 6) when one is named or all are listed.

    Why: importing them (and the demo's YAML emitter they write with) was ~65 ms
    of every `csi build`'s start, which never uses them.
    """

    DESK = ("due", "export", "import", "init", "new")  # the names of desk.commands.COMMANDS

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.DESK})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.DESK and name not in self.commands:
            from generator.desk.commands import COMMANDS

            for command in COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="csi")
def main() -> None:
    """Customer-satisfaction reports for garages, from plain-text records."""


@main.command()
@ROOT_OPTION
@AS_OF_OPTION
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-cache", is_flag=True, help="Read and check every file again: neither read nor write ROOT/.csi/cache.")
def validate(root: Path, as_of: date | None, strict: bool, output_format: str, no_cache: bool) -> None:
    """Check every record, questionnaire and setting; report all problems at once.

    A file unchanged since the last run (same SHA-256) is not parsed again: its
    results come from ROOT/.csi/cache, as for csi build.

    \b
    Example:
      csi validate --root . --strict
    """
    from generator.desk.commands import load_with_cache
    from generator.problems import summary
    from generator.validate import load_on_every_core, load_records

    loaded = load_records(root, as_of, load_on_every_core) if no_cache else load_with_cache(root, as_of)
    failed = bool(loaded.errors) or (strict and bool(loaded.problems))
    if output_format == "json":
        click.echo(json.dumps({
            "ok": not failed, "files": loaded.files,
            "errors": len(loaded.errors), "warnings": len(loaded.problems) - len(loaded.errors),
            "problems": [problem.to_json() for problem in loaded.problems],
        }, ensure_ascii=False, indent=2))
    else:
        _echo_problems(loaded.problems)
        click.echo(f"{loaded.files} files checked: {summary(loaded.problems)}")
    _finish(1 if failed else 0)


@main.command()
@ROOT_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the schemas (default: ROOT/.csi/schemas).")
def schema(root: Path, out: Path | None) -> None:
    """Write JSON Schemas of every record kind for YAML-aware editors.

    \b
    Example (VS Code with the YAML extension):
      csi schema && cat .vscode/settings.json
    """
    from generator.validate import SETTINGS_FILE
    from generator.validate.editor_schema import vscode_settings, write_schemas
    from generator.validate.files import load_garage

    if out is None and not (root / SETTINGS_FILE).is_file():
        raise click.BadParameter(f"no {SETTINGS_FILE} in {root}: give the garage repository, or --out DIR",
                                 param_hint="--root")
    target = out or root / ".csi" / "schemas"
    # a Chinese garage's editor explains each field in Chinese first
    garage = load_garage(root, SETTINGS_FILE, []) if (root / SETTINGS_FILE).is_file() else None
    applies = write_schemas(target, garage.language if garage else "en")
    for name, patterns in applies.items():
        click.echo(f"{target / name}  ->  {', '.join(patterns)}")
    try:
        where = "./" + target.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:  # outside the repository: VS Code takes the absolute path
        where = target.resolve().as_posix()
    click.echo("\nVS Code: put this in .vscode/settings.json of the garage repository:")
    click.echo(json.dumps(vscode_settings(where, applies), ensure_ascii=False, indent=2))


def _period_or_usage_error(text: str | None, loaded):
    from generator.stats.periods import default_period, parse_period

    if text is None:
        return default_period(loaded.records.garage, loaded.as_of)
    try:
        return parse_period(text)
    except ValueError as problem:
        raise click.BadParameter(str(problem), param_hint="--period") from None


@main.command()
@ROOT_OPTION
@click.option("--period", default=None, metavar="PERIOD",
              help=f"{PERIOD_FORMS} (default: latest complete month or quarter).")
@AS_OF_OPTION
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats(root: Path, period: str | None, as_of: date | None, output_format: str) -> None:
    """Compute every statistic for a period: CSI, items, staff, follow-ups, complaints ...

    \b
    Example:
      csi stats --period 2026-Q3 --as-of 2026-10-08 --format json > stats.json
    """
    from generator.desk.commands import load_or_exit
    from generator.stats.report import build_report
    from generator.render.text import format_text

    loaded = load_or_exit(root, as_of)
    report = build_report(loaded.records, _period_or_usage_error(period, loaded), loaded.as_of)
    if output_format == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        click.echo(format_text(report, loaded.records.garage.language))


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to create, or an earlier demo's to write again (a garage's own records and "
                   "settings are never replaced).")
@click.option("--customers", type=click.IntRange(1, 1_000_000), default=None,
              help="How many customers (default: 200; the sample: 80).")
@click.option("--seed", type=int, default=None, help="Random seed: the same seed writes the same files.")
@click.option("--layout", type=click.Choice(["record", "month"]), default=None,
              help="One file per record (default), or one file per month and kind (the sample's).")
@click.option("--profile", type=click.Choice(["demo", "sample"]), default="demo", show_default=True,
              help="sample: regenerate the committed sample garage's records (keeps garage.yaml and surveys/).")
@click.option("--as-of", type=IsoDate(*DEMO_YEARS), default=None,
              help="The simulated garage's today (default: the sample's as_of).")
def demo(out: Path, customers: int | None, seed: int | None, layout: str | None, profile: str,
         as_of: date | None) -> None:
    """Write a complete, valid demo garage repository of any size.

    \b
    Examples:
      csi demo --out /tmp/big-dealer --customers 20000 --seed 7 --layout month
      csi demo --profile sample --out .      # the sample garage under records/
    """
    from generator.demo import SAMPLE_CUSTOMERS, SAMPLE_SEED, demo_refusal, sample_settings_problems, write_demo

    sample = profile == "sample"
    refusal = demo_refusal(out, profile)
    if refusal is not None:
        raise click.BadParameter(f"{refusal}; nothing was written", param_hint="'--out'")
    refused = sample_settings_problems(out, as_of) if sample else []
    if refused:
        _echo_problems(refused, stream_err=True)
        click.echo(f"nothing written: the sample keeps the settings and questionnaires in {out}; "
                   "correct them first", err=True)
        _finish(1)
    summary = write_demo(out, customers=customers or (SAMPLE_CUSTOMERS if sample else 200),
                         seed=SAMPLE_SEED if seed is None and sample else (1 if seed is None else seed),
                         layout=layout or ("month" if sample else "record"), as_of=as_of, profile=profile)
    click.echo(f"wrote {out}: {summary.customers} customers, {summary.visits} visits, {summary.followups} follow-ups, "
               f"{summary.complaints} complaints, {summary.actions} actions ({summary.bytes / 1e6:.1f} MB)")


def _report_build(outcome) -> None:
    from generator.problems import summary

    if not outcome.ok:
        _echo_problems([problem for problem in outcome.problems if problem.is_error], stream_err=True)
        click.echo(f"build failed: {outcome.failure}", err=True)
        sys.exit(1)
    if outcome.reused:
        click.echo(f"{outcome.site_dir} is up to date: nothing changed since the last build "
                   f"({outcome.records_counted} records, {summary(outcome.problems)})")
        return
    click.echo(f"built {outcome.site_dir} from {outcome.records_counted} records ({summary(outcome.problems)})")


@main.command()
@ROOT_OPTION
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to publish the site (default: ROOT/site).")
@click.option("--period", default=None, metavar="PERIOD",
              help=f"Report period: {PERIOD_FORMS} (default: latest complete month or quarter).")
@AS_OF_OPTION
@click.option("--profile", is_flag=True, help="Print how long each stage took.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the build cache in ROOT/.csi/cache.")
def build(root: Path, site_dir: Path | None, period: str | None, as_of: date | None, profile: bool,
          no_cache: bool) -> None:
    """Validate, compute the statistics and build the report site.

    The site replaces SITE_DIR only when the whole build succeeded.  When
    nothing changed since the last build, the published site is kept as it is.

    \b
    Example:
      csi build --root . --site-dir public --as-of 2026-10-08
    """
    from generator.build import build as build_site

    log = (lambda line: click.echo(line, err=True)) if profile else None
    outcome = build_site(root, site_dir, as_of, period, log=log, cache=not no_cache, hand_over=_own_process())
    _report_build(outcome)
    _finish(0)


@main.command()
@ROOT_OPTION
@AS_OF_OPTION
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(root: Path, as_of: date | None, port: int, host: str) -> None:
    """Build the site and serve it, rebuilding when a record, questionnaire, setting or template changes.

    \b
    Example:
      csi serve --root . --port 8000
    """
    from generator.serve import ServeError, address_problem, serve as serve_site

    problem = address_problem(host, port)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="'--host' / '--port'")
    try:
        serve_site(root, as_of, host, port, echo=click.echo)
    except ServeError as failure:
        raise click.ClickException(str(failure)) from None
