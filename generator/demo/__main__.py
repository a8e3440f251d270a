"""``python -m generator.demo``: regenerate the sample, or write a demo garage.

    python -m generator.demo --profile sample --out .
    python -m generator.demo --profile demo --customers 20000 --seed 1 --out /tmp/big
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from generator.demo import SAMPLE_CUSTOMERS, SAMPLE_SEED, DemoRefused, write_demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=("sample", "demo"), default="sample")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--customers", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--layout", choices=("record", "month"))
    parser.add_argument("--as-of", type=date.fromisoformat)
    args = parser.parse_args(argv)
    sample = args.profile == "sample"
    started = time.perf_counter()
    try:
        summary = write_demo(
            args.out,
            customers=args.customers or (SAMPLE_CUSTOMERS if sample else 1000),
            seed=SAMPLE_SEED if args.seed is None and sample else (args.seed or 1),
            layout=args.layout or ("month" if sample else "record"),
            as_of=args.as_of, profile=args.profile,
        )
    except DemoRefused as refusal:
        parser.error(f"{refusal}; nothing was written")
    seconds = time.perf_counter() - started
    print(f"{summary.customers} customers, {summary.visits} visits, {summary.followups} follow-ups, "
          f"{summary.complaints} complaints, {summary.actions} actions; "
          f"{summary.bytes / 1e6:.1f} MB in {seconds:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
