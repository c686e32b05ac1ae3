"""Power cuts on the real path: SIGKILL the live-minutes window while it is typed into.

    .venv/bin/python benchmarks/crash.py [--kills 200] [--parallel 3]

Prints the worst and mean span of typing lost, with a verdict against the 0.3 s rule.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.crashkit import LOSS_LIMIT, run_kills, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--parallel", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="doithoai-crash-") as folder:
        start = time.perf_counter()
        results = run_kills(Path(folder), args.kills, seed=11, parallel=args.parallel)
        print(f"power cuts in {time.perf_counter() - start:.0f} s: {summary(results)}")
    sys.exit(0 if max(r.lost_seconds for r in results) <= LOSS_LIMIT else 1)


if __name__ == "__main__":
    main()
