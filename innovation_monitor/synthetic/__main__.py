"""``python -m innovation_monitor.synthetic --out DIR [--seed N]``: write the sample."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import InnovationMonitorError
from innovation_monitor.framework import load_indicator_system
from innovation_monitor.paths import SAMPLE_DIR
from innovation_monitor.synthetic.model import SEED
from innovation_monitor.synthetic.sample import build_sample
from innovation_monitor.synthetic.writers import write_sample


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m innovation_monitor.synthetic --out DIR [--seed N]``."""
    parser = argparse.ArgumentParser(
        prog="python -m innovation_monitor.synthetic",
        description="Generate the synthetic sample data set (2016-2023) into a folder.",
    )
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR, help="target folder")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    try:
        registry = DivisionRegistry.load()
        system = load_indicator_system()
        written = write_sample(
            build_sample(registry, system, args.seed), registry, system, args.out
        )
    except InnovationMonitorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
