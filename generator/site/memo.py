"""What MkDocs made of a page last time, reused when the page and its site are the same.

Why: a rebuild after one record changed leaves most pages as they were (the
complaints page, a quarter of the Markdown, does not move when a follow-up
score does), yet MkDocs converts every page's Markdown again, Material's
search parses every page's HTML again and the offline check scans every file
of the site again: about a second and a half of each rebuild of a large
dealer's site.

Never stale: each result is a pure function of what its key holds.

- Markdown to HTML (``Page.render``): the page's Markdown and source path,
  plus the *site key*: the generated ``mkdocs.yml`` (extensions and their
  options), every page's source path and URL (links between pages), the
  versions of MkDocs, Markdown, the extensions and the theme, and this tool's
  version;
- search entries: the site key, the page's URL, title, front matter, HTML
  and table of contents;
- the offline check: the file's suffix and bytes.

Results are kept only when MkDocs logged no warning (a warning fails the build,
and a reused page would not log it again), and only the entries the last
build used, so the file does not grow.  Like the rest of ``.csi/cache`` it is
safe to delete; an unreadable file is only a miss.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from generator.load.cache import package_versions, read_pickle, write_pickle

MEMO_FILE = "site-memo.pickle"
FORMAT = 1
_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "jieba")


def _digest(*parts: object) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.digest()


class SiteMemo:
    """Rendered pages, search entries and offline verdicts of the last successful build."""

    def __init__(self, path: Path, tool: str) -> None:
        self.path, self.key = path, f"site-memo-{FORMAT}-{tool}-{package_versions(_PACKAGES)!r}"
        stored = read_pickle(path, self.key)
        self.stored: dict[bytes, object] = stored if isinstance(stored, dict) else {}
        self.used: dict[bytes, object] = {}
        self.site_key = b""
        self.pages_reused = self.pages_rendered = 0  # for the build's profile

    def _get(self, key: bytes):
        """What is stored under ``key`` (kept for the next build too), or None."""
        found = self.stored.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def save(self) -> None:
        """Keep what this build used; call only after a build without warnings."""
        if self.used.keys() != self.stored.keys():
            write_pickle(self.path, self.key, self.used)

    # --- MkDocs ---------------------------------------------------------------

    def start(self, config, files) -> None:
        """The site key of this build: call before any page is rendered."""
        config_bytes = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
        pages = sorted((file.src_uri, file.dest_uri, file.url) for file in files)
        self.site_key = _digest(config_bytes, pages, dict(config.mdx_configs or {}),
                                config.markdown_extensions, config.use_directory_urls)

    def render(self, page, original, config, files) -> None:
        """``page.render(config, files)``, or what it set the last time for the same input."""
        key = _digest(b"render", self.site_key, page.file.src_uri, page.markdown)
        found = self._get(key)
        if found is None:
            self.pages_rendered += 1
            original(config, files)
            links = getattr(page, "links_to_anchors", None)
            self.used[key] = (page.content, page.toc, page._title_from_render, page.present_anchor_ids,
                              None if links is None else {file.src_uri: anchors for file, anchors in links.items()})
            return
        self.pages_reused += 1
        content, toc, title, anchors, links = found
        page.content, page.toc, page._title_from_render = content, toc, title
        page.present_anchor_ids = set(anchors) if anchors is not None else None
        # as Page.render: the links are only kept when MkDocs would report on them
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = None if links is None else {
                files.get_file_from_path(source): dict(targets) for source, targets in links.items()}

    def search_entries(self, index, page, original) -> None:
        """Material's ``SearchIndex.add_entry_from_context(page)``, or the entries it added last time."""
        key = _digest(b"search", self.site_key, page.url, page.title, sorted(page.meta.items(), key=str),
                      page.content, _toc_signature(page.toc))
        found = self._get(key)
        if found is None:
            before = len(index.entries)
            original(page)
            self.used[key] = [dict(entry) for entry in index.entries[before:]]
            return
        index.entries.extend(dict(entry) for entry in found)

    # --- offline check ----------------------------------------------------------

    def outside_urls(self, suffix: str, content: bytes, scan) -> list[str]:
        """``scan()`` (the URLs a file would load from outside), or its answer for the same bytes."""
        key = _digest(b"offline", suffix, content)
        found = self._get(key)
        if found is None:
            found = scan()
            self.used[key] = found
        return list(found)


def _toc_signature(toc) -> list:
    return [(item.id, item.title, item.level, _toc_signature(item.children)) for item in toc]


def memo_plugin(memo: SiteMemo):
    """A MkDocs plugin routing page rendering and search indexing through ``memo``."""
    from mkdocs.plugins import BasePlugin

    class PageMemo(BasePlugin):
        def on_files(self, files, config):
            memo.start(config, files)
            return files

        def on_pre_build(self, config):
            search = config.plugins.get("material/search") or config.plugins.get("search")
            index = getattr(search, "search_index", None)
            if index is not None:
                original = index.add_entry_from_context
                index.add_entry_from_context = lambda page: memo.search_entries(index, page, original)

        def on_pre_page(self, page, config, files):
            original = page.render
            page.render = lambda config, files: memo.render(page, original, config, files)
            return page

    return PageMemo()
