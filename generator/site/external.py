"""The offline check: nothing in the built site may load from another host.

Run on MkDocs' output, Material's own files included, after every build.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType

# Where a URL of another host starts: //host, or \\host (a browser reads a backslash as a
# slash there), after http:, https:, ws:, wss: or none; or http:host, which a page opened
# from disk loads from that host.
_OUTSIDE = r"(?:(?:https?|wss?):[/\\]*|[/\\]{2})"
# What a browser fetches: attributes that load, CSS url() and @import, and the
# calls a script would use to load code, fonts or data, or to send them.
_HTML_LOADS = re.compile(
    rf"""\b(?:src|href|srcset|poster|data|action|xlink:href|content)\s*=\s*["']?\s*({_OUTSIDE}[^"'\s>]+)""",
    re.IGNORECASE)
_CSS_LOADS = re.compile(rf"""(?:url\(\s*["']?|@import\s+["']?)\s*({_OUTSIDE}[^"')\s]+)""", re.IGNORECASE)
_JS_LOADS = re.compile(
    r"""(?:importScripts|import|fetch|loadScript|sendBeacon|WebSocket|EventSource|Worker|src\s*=|href\s*=|"""
    r"""\.open\s*\(\s*["'`]\w+["'`]\s*,)\s*\(?\s*["'`]""" + rf"""({_OUTSIDE}[^"'`\s]+)""",
    re.IGNORECASE)
# Where a URL loads that the patterns above miss: the later candidates of a srcset or a CSS
# image-set (every URL in them loads, not only the first), and a meta refresh's "5; url=…".
_HTML_LISTS = re.compile(r"""\b(?:srcset|imagesrcset)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_CSS_LISTS = re.compile(r"""image-set\(((?:[^()]|\([^()]*\))*)\)""", re.IGNORECASE)
_REFRESH = re.compile(rf"""\bcontent\s*=\s*["']?\s*[\d.]*\s*[;,]\s*url\s*=\s*["']?\s*({_OUTSIDE}[^"'\s>]+)""",
                      re.IGNORECASE)
_LISTED_URL = re.compile(rf"""{_OUTSIDE}[^"',\s>)]+""", re.IGNORECASE)
# every URL the patterns above take holds one of these: a file without any is not scanned
_MAY_LOAD = re.compile(r"[/\\]{2}|(?:https?|wss?):", re.IGNORECASE)
# Hosts known to be pulled in by themes and CDNs: refused wherever they appear.
_KNOWN_HOSTS = ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr", "unpkg.com", "cdnjs.cloudflare",
                "googletagmanager", "google-analytics", "polyfill.io", "use.fontawesome")
KNOWN_OUTSIDE = re.compile("|".join(map(re.escape, _KNOWN_HOSTS)), re.IGNORECASE)
# The letters outside ASCII that re.IGNORECASE matches with ASCII ones (İ ı ſ K): a text
# holding one is searched with KNOWN_OUTSIDE whatever its lower case shows.
_FOLDED_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")
_LOCAL = re.compile(r"^(?:https?:)?[/\\]*(?:127\.0\.0\.1|localhost)(?:[:/\\]|$)", re.IGNORECASE)
# Namespace identifiers are names, never fetched.
_NAMESPACES = ("http://www.w3.org/",)
# what stylesheets and scripts load; any other file is read as a page
_LOADS = MappingProxyType({".css": (_CSS_LOADS, _CSS_LISTS), ".js": (_JS_LOADS,)})
_LISTS = frozenset({_HTML_LISTS, _CSS_LISTS})


def external_urls(site_dir: Path, memo=None) -> list[tuple[str, str]]:
    """(file relative to the site, URL) for every reference that would load from outside.

    ``memo`` (a ``generator.site.memo.SiteMemo``): files with the same bytes as
    last time are not scanned again (the theme's files never change).
    """
    found: list[tuple[str, str]] = []
    for path in sorted(site_dir.rglob("*")):
        suffix = path.suffix.lower()
        if suffix not in {".html", ".htm", ".css", ".js", ".svg", ".json", ".xml"} or not path.is_file():
            continue
        content = path.read_bytes()
        relative = path.relative_to(site_dir).as_posix()
        scan = lambda: _outside_urls(suffix, content)  # noqa: E731 - the memo calls it only on a miss
        for url in memo.outside_urls(suffix, content, scan) if memo is not None else scan():
            found.append((relative, url))
    return found


def _outside_urls(suffix: str, content: bytes) -> list[str]:
    """The URLs a file would load from outside.

    Only what a browser could fetch is read: in a page, its tags, scripts and styles, not
    the text it shows (a complaint that names unpkg.com loads nothing, and stopped the
    build); the search index is data the search reads, never fetched from.
    Each pattern is run only where it can match: every URL the loading patterns take
    matches ``_MAY_LOAD``, and a known host shows in the text's lower case.  Scanning
    every character with them took ~0.07 s for the search index and ~0.04 s for a
    large dealer's complaints page, on each build where a page changed.
    """
    if suffix in _DATA:
        return []
    text = content.decode("utf-8", errors="replace")
    if suffix in _MARKUP:
        text = markup_of(text)
    return _found(text, loads_of(suffix) if _MAY_LOAD.search(text) else (), _may_name_known_host(text))


_DATA = frozenset({".json"})
_MARKUP = frozenset({".html", ".htm", ".svg", ".xml"})
_SCRIPTS_AND_STYLES = re.compile(r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>)", re.IGNORECASE | re.DOTALL)
# a tag, its quoted attribute values whole: alt="1 > 0" must not end it before its src
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>?""")


def markup_of(page: str) -> str:
    """The page's tags, scripts and styles, without the text it shows between tags."""
    pieces = _SCRIPTS_AND_STYLES.split(page)
    return "".join(piece if index % 2 else "".join(_TAG.findall(piece)) for index, piece in enumerate(pieces))


def loads_of(suffix: str) -> tuple[re.Pattern, ...]:
    """The patterns of what a file with this suffix would load."""
    return _LOADS.get(suffix, (_HTML_LOADS, _CSS_LOADS, _HTML_LISTS, _CSS_LISTS, _REFRESH, _JS_LOADS))


def _found(text: str, loads: tuple[re.Pattern, ...], known_hosts: bool) -> list[str]:
    """The outside URLs the ``loads`` patterns (and KNOWN_OUTSIDE, when ``known_hosts``) find in ``text``."""
    urls = [url for pattern in loads for match in pattern.finditer(text) for url in _urls_of(pattern, match)]
    if known_hosts:
        urls += [match.group(0) for match in KNOWN_OUTSIDE.finditer(text)]
    return [url for url in dict.fromkeys(urls) if not (_LOCAL.match(url) or url.startswith(_NAMESPACES))]


def _urls_of(pattern: re.Pattern, match: re.Match) -> list[str]:
    if pattern in _LISTS:
        return _LISTED_URL.findall(next(group for group in match.groups() if group is not None))
    return [match.group(1)]


def _may_name_known_host(text: str) -> bool:
    """False only when KNOWN_OUTSIDE cannot match: outside the four letters it folds to
    ASCII, a character matches an ASCII letter ignoring case exactly when its lower case is
    that letter."""
    if any(letter in text for letter in _FOLDED_TO_ASCII):
        return True
    lowered = text.lower()
    return any(host in lowered for host in _KNOWN_HOSTS)


# Material's bundle would fetch a ResizeObserver polyfill (only in browsers
# without one) and mermaid (only on pages with a diagram) from unpkg.com.
# Neither happens on this site; the URLs are replaced by an empty inline
# script so that even then nothing is requested from another host.
_THEME_LOADERS = re.compile(r"https://unpkg\.com/[^\"'`)\s]+")
EMPTY_SCRIPT = "data:text/javascript,"


def neutralise_theme_loaders(site_dir: Path) -> list[str]:
    """Rewrite the theme's on-demand CDN loads in place; returns the URLs replaced."""
    replaced: list[str] = []
    for path in sorted((site_dir / "assets" / "javascripts").glob("*.js")):
        content = path.read_text(encoding="utf-8")
        found = _THEME_LOADERS.findall(content)
        if found:
            replaced += found
            path.write_text(_THEME_LOADERS.sub(EMPTY_SCRIPT, content), encoding="utf-8")
    return replaced
