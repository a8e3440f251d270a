"""Run one command and print its wall time and peak memory as JSON.

A fresh process per measured step, so ``RUSAGE_CHILDREN`` (the largest
resident set of any process it waited for, worker processes included)
belongs to that step alone.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main(command: list[str]) -> None:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"wall": wall, "peak_mib": peak_kib / 1024, "returncode": done.returncode,
                      "stdout": done.stdout[-4000:], "stderr": done.stderr[-4000:]}))


if __name__ == "__main__":
    main(sys.argv[1:])
