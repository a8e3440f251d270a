"""Building the report site: pages -> MkDocs -> offline check -> atomic publish."""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from datetime import date
from importlib.resources import files
from pathlib import Path

from generator.load.cache import tool_version
from generator.model import Records
from generator.problems import Problem, file_system_reason
from generator.render.env import RenderError
from generator.render.pages import PROVENANCE_SLOT, provenance_line, render_pages
from generator.site.config import OVERRIDES_DIR, mkdocs_config, write_config, write_overrides
from generator.site.external import external_urls, neutralise_theme_loaders
from generator.site.memo import MEMO_FILE, SiteMemo, memo_plugin
from generator.site.publish import SITE_MARK, discard, fresh_folder, site_dir_refusal, swap_in

GENERATED = Path(".csi") / "mkdocs"  # under the garage root; never under records/
TEMPLATE_CACHE = Path(".csi") / "cache" / "jinja"  # beside the load cache: safe to delete with it
MONTHLY_PAGES = 12


class SiteBuildError(Exception):
    """The site was not published; the message says why (no traceback for users)."""


def generated_dir(root: Path) -> Path:
    return root / GENERATED


def build_site(root: Path, site_dir: Path, records: Records, report: dict, problems: list[Problem],
               as_of: date, commit: str | None, monthly: list[tuple[str, dict]] | None = None,
               cache: bool = True) -> tuple[int, int] | None:
    """Render the pages, build them with MkDocs and publish into ``site_dir`` atomically.

    Returns (pages MkDocs reused as they were, pages) with the cache, None without.

    ``monthly`` is [(YYYY-MM, report of that month)], oldest first; left out,
    it is computed with ``generator.stats`` for the last complete months.
    ``cache``: keep compiled templates under ``ROOT/.csi/cache/jinja``, and what MkDocs
    made of each page (``generator.site.memo``), between builds.
    Raises ``SiteBuildError``; the published site is then left as it was.
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's banner would be printed on every build
    refusal = site_dir_refusal(root, site_dir)
    if refusal is not None:
        raise SiteBuildError(refusal)
    root, site_dir = root.resolve(), site_dir.resolve()
    if monthly is None:
        monthly = monthly_reports(records, report, as_of)
    target = generated_dir(root)
    memo = SiteMemo(root / TEMPLATE_CACHE.parent / MEMO_FILE, tool_version()) if cache else None
    try:
        staging = fresh_folder(target, "stage")
        output = fresh_folder(site_dir, "build")
    except OSError as failure:
        raise SiteBuildError(unwritable(failure, root, site_dir)) from None
    try:
        nav = render_pages(root, staging / "docs", records, report, problems, as_of, commit, monthly,
                           template_cache=root / TEMPLATE_CACHE / "pages" if cache else None)
        _copy_assets(staging / "docs" / "assets")
        config = mkdocs_config(records.garage.name, records.garage.language, nav,
                               os.path.relpath(site_dir, target))
        write_config(staging / "mkdocs.yml", config)
        write_overrides(staging / OVERRIDES_DIR)
        run_mkdocs(staging / "mkdocs.yml", output, template_cache=root / TEMPLATE_CACHE / "theme" if cache else None,
                   memo=memo, provenance=provenance_line(records, report, as_of, commit))
        neutralise_theme_loaders(output)
        outside = external_urls(output, memo)
        if outside:
            listed = "\n".join(f"  {path}: {url}" for path, url in outside[:20])
            raise SiteBuildError(f"the site would load {len(outside)} resource(s) from other hosts:\n{listed}")
        if memo is not None:
            memo.save()
        (output / SITE_MARK).write_text("A site csi built: csi build replaces this folder whole.\n", encoding="utf-8")
        swap_in(output, site_dir)
        swap_in(staging, target)
        return (memo.pages_reused, memo.pages_reused + memo.pages_rendered) if memo is not None else None
    except RenderError as failure:
        raise SiteBuildError(f"template error: {failure}") from None
    except OSError as failure:  # a full disk, a folder not writable, a file where a folder goes
        raise SiteBuildError(unwritable(failure, root, site_dir)) from None
    finally:
        discard(output)
        discard(staging)


def unwritable(failure: OSError, root: Path, site_dir: Path) -> str:
    """What to tell the user when the site could not be written: the path and the system's reason."""
    where = f" {failure.filename}" if failure.filename else ""
    return (f"could not write{where}: {file_system_reason(failure)}; the pages are made under {root / '.csi'} "
            f"and published to {site_dir}: each must be a folder you can write to, on a disk with room "
            "(the published site was left as it was)")


def _copy_assets(destination: Path) -> None:
    destination.mkdir(parents=True, exist_ok=True)
    for entry in files("generator").joinpath("assets").iterdir():
        if entry.is_file():
            (destination / entry.name).write_bytes(entry.read_bytes())


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _quiet_mkdocs():
    """MkDocs logs to the console; keep it quiet and keep its warnings as the failure message."""
    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    saved = (logger.level, logger.propagate, list(logger.handlers))
    logger.handlers = [collect]
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        yield collect
    finally:
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        logger.handlers = saved[2]


def run_mkdocs(config_file: Path, output: Path, template_cache: Path | None = None,
               memo: SiteMemo | None = None, provenance: str | None = None) -> None:
    """``mkdocs build`` through its Python API, treating any warning as a failure.

    ``template_cache``: where the theme's compiled templates are kept between builds;
    ``memo``: pages' HTML and search entries reused from the last build;
    ``provenance``: the HTML put in place of each page's ``PROVENANCE_SLOT``.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    with _quiet_mkdocs() as collected:
        try:
            config = load_config(config_file=str(config_file), site_dir=str(output))
            config.plugins["csi-theme-listing"] = _theme_listing()
            if template_cache is not None:
                config.plugins["csi-template-cache"] = _theme_template_cache(template_cache)
            if memo is not None:
                config.plugins["csi-page-memo"] = memo_plugin(memo)
            if provenance is not None:
                config.plugins["csi-provenance"] = _provenance_filler(provenance)
            build(config)
        except (MkDocsException, OSError) as failure:
            raise SiteBuildError(f"MkDocs failed: {failure}") from None
    if collected.messages:
        raise SiteBuildError("MkDocs warned:\n" + "\n".join(f"  {m}" for m in collected.messages))


def _provenance_filler(provenance: str):
    """A plugin putting the provenance line in each page's final HTML (see ``PROVENANCE_SLOT``),
    after MkDocs converted the page (or took it from the memo) and indexed it for search."""
    from mkdocs.plugins import BasePlugin

    class ProvenanceFiller(BasePlugin):
        def on_post_page(self, output: str, page, config) -> str:
            return output.replace(PROVENANCE_SLOT, provenance)

    return ProvenanceFiller()


def _theme_listing():
    """A plugin that keeps MkDocs from walking the theme's hidden folders on every build.

    Why: MkDocs lists every file of the theme to copy its assets, then drops each path
    with a hidden folder in it (``.*``, ``*/.*``); Material's ``.icons`` holds ~10,000
    SVGs, and walking them was 0.07 s of every build.  The theme's files are the same,
    without the walk.
    """
    import os

    import jinja2
    from mkdocs.plugins import BasePlugin

    class VisibleFilesLoader(jinja2.FileSystemLoader):
        def list_templates(self) -> list[str]:
            found = set()
            for searchpath in self.searchpath:
                for folder, subfolders, names in os.walk(searchpath, followlinks=self.followlinks):
                    subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                    relative = os.path.relpath(folder, searchpath).replace(os.path.sep, "/")
                    found.update(name if relative == "." else f"{relative}/{name}" for name in names)
            return sorted(found)

    class ThemeListing(BasePlugin):
        def on_config(self, config):
            theme, make_env = config.theme, config.theme.get_env

            def get_env():
                env = make_env()
                if type(env.loader) is jinja2.FileSystemLoader:
                    loader = VisibleFilesLoader(env.loader.searchpath, env.loader.encoding, env.loader.followlinks)
                    env.loader = loader
                return env

            theme.get_env = get_env
            return config

    return ThemeListing()


def _theme_template_cache(folder: Path):
    from mkdocs.plugins import BasePlugin

    from generator.render.template_cache import use_template_cache

    class ThemeTemplateCache(BasePlugin):
        def on_env(self, env, config, files):
            return use_template_cache(env, folder)

    return ThemeTemplateCache()


def monthly_periods(records: Records, period, as_of: date) -> list:
    """The complete months of the period's monthly series that have data, oldest first (at most 12)."""
    from generator.stats.report import series_months

    first_visit = min((v.check_in.date() for v in records.visits), default=None)
    if first_visit is None:
        return []
    return [month for month in series_months(period)[-MONTHLY_PAGES:] if first_visit <= month.end <= as_of]


def monthly_reports(records: Records, report: dict, as_of: date, index=None, shared=None) -> list[tuple[str, dict]]:
    """[(YYYY-MM, report of that month as of its end)] for ``monthly_periods`` of ``report``'s period.

    The months share one ``generator.stats.index.Index`` and one
    ``generator.stats.report.Unperiodic`` (given, or made here once): indexing,
    care and retention are most of a report's cost, and none depends on the
    period.
    """
    from generator.stats.batch import build_reports, month_day
    from generator.stats.index import build_index
    from generator.stats.periods import Period
    from generator.stats.report import unperiodic

    period = Period(report["period"]["label"], date.fromisoformat(report["period"]["start"]),
                    date.fromisoformat(report["period"]["end"]))
    months = monthly_periods(records, period, as_of)
    if not months:
        return []
    index = index if index is not None else build_index(records, as_of)
    shared = shared if shared is not None else unperiodic(index, as_of)
    days = [month_day(month, as_of) for month in months]
    return list(zip((month.label for month in months), build_reports(index, months, as_of, shared, days=days)))


