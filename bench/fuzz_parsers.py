"""How many fuzzed inputs each parser survives: the fuzzers of tests/test_fuzz_parsers.py, many more times.

    python bench/fuzz_parsers.py [--cases 500] [--seed 0]

Runs each fuzzer `--cases` times on random inputs (hypothesis' fuzz_one_input, no shrinking) and
prints, per parser, the cases tried, the failures and their classes: an exception escaping the
loader ("crash", named by its type and the se_pipeline line it came from), or a check of the test
failing ("stopped", the well-formed record beside the bad one was not loaded, or the count of
quarantined records told differs from the rows stored). Prints figures, asserts nothing. Run it on
two checkouts to compare (PYTHONPATH=<checkout>:<this checkout> python bench/fuzz_parsers.py).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("FUZZ_EXAMPLES", "1")  # the fuzzers' long-run strategies (MIME trees 1,200 deep too)

from tests import test_fuzz_parsers as fuzzers  # noqa: E402  (after the path is set)

FUZZERS = sorted(name for name in dir(fuzzers) if name.startswith("test_fuzz_"))


def failure_class(exc: BaseException) -> str:
    if isinstance(exc, AssertionError):
        return "stopped: the good record was not loaded, or the quarantine count differs"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "se_pipeline" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "outside se_pipeline"
    return f"crash: {type(exc).__name__} at {where}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500, help="inputs per parser (default 500)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    total_cases = total_failures = 0
    classes: Counter[tuple[str, str]] = Counter()
    print(f"{'parser':<34} {'cases':>6} {'failures':>9}")
    for name in FUZZERS:
        run = getattr(fuzzers, name).hypothesis.fuzz_one_input
        rng = random.Random(f"{args.seed}:{name}")
        failures = 0
        for _ in range(args.cases):
            try:
                run(rng.randbytes(4096))
            except Exception as exc:  # every way a case can fail is what is counted
                failures += 1
                classes[(name, failure_class(exc))] += 1
        total_cases += args.cases
        total_failures += failures
        print(f"{name.removeprefix('test_fuzz_'):<34} {args.cases:>6} {failures:>9}")
    print(f"{'all':<34} {total_cases:>6} {total_failures:>9}  in {len(classes)} classes")
    for (name, kind), count in sorted(classes.items()):
        print(f"  {count:>5}  {name.removeprefix('test_fuzz_')}: {kind}")


if __name__ == "__main__":
    main()
