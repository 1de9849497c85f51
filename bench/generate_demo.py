"""How long the demo generator takes and how much it writes, at the default and a benchmark scale.

    python bench/generate_demo.py [--ses 50 --customers 400 --days 90]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from se_pipeline.demo import DemoScale, generate


def measure(scale: DemoScale) -> None:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        workspace = generate(Path(folder) / "demo", scale)
        seconds = time.perf_counter() - started
        files = [p for p in workspace.root.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        counts = json.loads((workspace.root / "workspace.json").read_text())["counts"]
    print(f"{scale}: {seconds:.1f} s, {len(files)} files, {size / 1e6:.1f} MB, {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ses", type=int, default=50)
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    measure(DemoScale())
    measure(DemoScale(args.ses, args.customers, args.days))


if __name__ == "__main__":
    main()
