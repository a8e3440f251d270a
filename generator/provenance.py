"""Where the records of a build come from: the git commit a site's provenance line shows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def git_head(root: Path) -> str | None:
    """The commit checked out in ``root``; None outside git or without git."""
    if shutil.which("git") is None:
        return None
    # (git prints the hash in ASCII; the encoding is named so that a Windows desk's code page is never guessed)
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                          encoding="utf-8", errors="replace")
    return done.stdout.strip() if done.returncode == 0 else None
