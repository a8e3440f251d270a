"""A ``csi serve`` rebuild after one record changed: staff previewing as they type.

    python -m benchmarks.serve_rebuild ROOT AS_OF MONTH [--without-memory]

In one process, as ``csi serve`` builds with its ``LoadMemory``: a build with
nothing changed, one with a follow-up of MONTH (YYYY-MM) changed (it fills the
memory, as the first rebuild after ``csi serve`` starts does), and one with that
file changed back, which is timed.  Prints JSON as ``benchmarks.measure`` does;
the wall time is the rebuild's own (a served site has no process to start) and
the peak memory the largest of this process and its workers.
``--without-memory``: the same builds with no ``LoadMemory``, to compare.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import date
from pathlib import Path

import generator
from benchmarks.run import change_one_record
from generator.build import build
from generator.load.cache import LoadMemory


def main(root: Path, as_of: date, month: str, keep: bool = True) -> None:
    memory = LoadMemory() if keep else None
    ready = build(root, as_of=as_of, memory=memory)
    path, original = change_one_record(root, month)
    try:
        changed = build(root, as_of=as_of, memory=memory)
    finally:
        path.write_bytes(original)
    laps: list[str] = []
    started = time.perf_counter()
    rebuilt = build(root, as_of=as_of, memory=memory, log=laps.append)
    wall = time.perf_counter() - started
    peak_kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"wall": wall, "peak_mib": peak_kib / 1024,
                      "returncode": 0 if ready.ok and changed.ok and rebuilt.ok else 1,
                      "stdout": "", "stderr": "\n".join(laps), "generator": str(Path(generator.__file__).parent)}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), date.fromisoformat(sys.argv[2]), sys.argv[3], "--without-memory" not in sys.argv[4:])
