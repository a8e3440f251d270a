"""The offline check: nothing in the built site may load from another host.

Run on MkDocs' output, Material's own files included, after every build.
"""

from __future__ import annotations

import re
from pathlib import Path

# What a browser fetches: attributes that load, CSS url() and @import, and the
# calls a script would use to load code or fonts.
_HTML_LOADS = re.compile(
    r"""\b(?:src|href|srcset|poster|data|action|xlink:href|content)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""",
    re.IGNORECASE)
_CSS_LOADS = re.compile(r"""(?:url\(\s*["']?|@import\s+["']?)\s*((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)
_JS_LOADS = re.compile(
    r"""(?:importScripts|import|fetch|loadScript|src\s*=)\s*\(?\s*["'`]((?:https?:)?//[^"'`\s]+)""",
    re.IGNORECASE)
# Hosts known to be pulled in by themes and CDNs: refused wherever they appear.
KNOWN_OUTSIDE = re.compile(
    r"fonts\.googleapis|fonts\.gstatic|cdn\.jsdelivr|unpkg\.com|cdnjs\.cloudflare|googletagmanager"
    r"|google-analytics|polyfill\.io|use\.fontawesome", re.IGNORECASE)
_LOCAL = re.compile(r"^(?:https?:)?//(?:127\.0\.0\.1|localhost)(?:[:/]|$)", re.IGNORECASE)
# Namespace identifiers are names, never fetched.
_NAMESPACES = ("http://www.w3.org/",)


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
    text = content.decode("utf-8", errors="replace")
    patterns = {".css": [_CSS_LOADS], ".js": [_JS_LOADS]}.get(suffix, [_HTML_LOADS, _CSS_LOADS])
    urls = [match.group(1) for pattern in patterns for match in pattern.finditer(text)]
    urls += [match.group(0) for match in KNOWN_OUTSIDE.finditer(text)]
    return [url for url in dict.fromkeys(urls) if not (_LOCAL.match(url) or url.startswith(_NAMESPACES))]


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
