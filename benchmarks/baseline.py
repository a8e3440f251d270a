"""The naive baseline: every record file through PyYAML's C safe loader, nothing else.

Run in its own process with the garbage collector on, as a plain script
would: ``python -m benchmarks.baseline DIR`` prints the file count.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def parse_everything(root: Path) -> int:
    count = 0
    for path in sorted((root / "records").rglob("*")):
        if path.suffix in (".yaml", ".yml") and path.is_file():
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
            count += 1
    return count


if __name__ == "__main__":
    print(parse_everything(Path(sys.argv[1])))
