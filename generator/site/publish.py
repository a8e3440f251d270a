"""Swapping a finished build in place of the published site.

Each build writes into its own fresh folder next to the site; only a build
that fully succeeded is renamed into place, under a lock so that two builds
finishing together cannot interleave their renames.  Readers therefore see
the old site or the new one, never a mix, and deleted records disappear with
the old folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows, where a service desk's PC builds and previews the site
    fcntl = None
    import msvcrt


# Written into every site csi publishes: a folder holding it is one csi may replace.
SITE_MARK = ".csi-site"
# What a garage repository keeps beside its site: a site is never published over them.
_KEPT = ("records", "surveys", "site_templates", ".csi", ".git")


def site_dir_refusal(root: Path, site_dir: Path) -> str | None:
    """Why the site must not be published to ``site_dir``, or None.

    Publishing replaces the folder whole: --site-dir . once replaced a garage's records,
    settings and git history with the site's pages.
    """
    garage, target = root.resolve(), site_dir.resolve()
    if target == garage or target in garage.parents or _same_folder(target, garage):
        return f"{site_dir} holds the garage repository {root}: publishing there would replace it"
    for kept in _KEPT:
        folder = garage / kept
        # (by name, and as the file system sees it: Records/ is records/ where case is not told apart)
        if target == folder or folder in target.parents or \
                any(_same_folder(place, folder) for place in (target, *target.parents) if place != garage):
            return f"{site_dir} is in the garage's {kept}/ folder: publishing there would replace what it holds"
    if target.is_dir() and not _is_a_site(target) and any(target.iterdir()):
        return (f"{site_dir} holds files that are not a site csi built: publishing there would replace them; "
                "give a new or empty folder, or one an earlier csi build published")
    return None


def _same_folder(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:  # either is missing
        return False


def _is_a_site(folder: Path) -> bool:
    """A site csi published: with its mark, or (built before the mark) MkDocs' own files."""
    return (folder / SITE_MARK).is_file() or \
        ((folder / "index.html").is_file() and (folder / "search" / "search_index.json").is_file())


def fresh_folder(site_dir: Path, purpose: str) -> Path:
    """An empty folder beside ``site_dir`` (same file system, so rename is atomic)."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.{purpose}-", dir=site_dir.parent))


@contextmanager
def _locked(site_dir: Path):
    lock_path = site_dir.parent / f".{site_dir.name}.lock"
    with open(lock_path, "wb") as lock:
        _lock(lock.fileno(), True)
        try:
            yield
        finally:
            _lock(lock.fileno(), False)


def _lock(descriptor: int, take: bool) -> None:
    """Take (waiting for another build to finish its swap) or give back the lock."""
    if fcntl is not None:
        fcntl.flock(descriptor, fcntl.LOCK_EX if take else fcntl.LOCK_UN)
        return
    # msvcrt locks bytes from the file's position, here always 0; LK_LOCK gives up with
    # OSError after ten tries a second apart, so a long wait is tried again
    while True:
        try:
            msvcrt.locking(descriptor, msvcrt.LK_LOCK if take else msvcrt.LK_UNLCK, 1)
            return
        except OSError:
            if not take:
                raise


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new`` with renames; the old folder is removed after."""
    with _locked(target):
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.rename(target, old / target.name)
        try:
            os.rename(new, target)
        except OSError:  # the published site back where it was, rather than none at all
            if old is not None:
                os.rename(old / target.name, target)
                shutil.rmtree(old, ignore_errors=True)
            raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
