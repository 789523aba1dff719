"""Run every benchmark script of bench/ (each prints `BENCH name=value unit` lines).

`make bench` calls this. Each script runs in its own process with this interpreter; the run
fails when one of them fails. Scripts: every bench/*.py except this one (tree.py, reports.py).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name != "run.py" and not p.name.startswith("_"))
    if argv:
        scripts = [p for p in scripts if p.stem in argv]
    failed = []
    for script in scripts:
        print(f"# === {script.name} ===", flush=True)
        t0 = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"# {script.name}: exit {code} in {time.perf_counter() - t0:.1f} s", flush=True)
        if code:
            failed.append(script.name)
    if failed:
        print(f"# failed: {', '.join(failed)}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

# Added by issue 5 (search, exports, synth): their benchmarks are bench/imports.py and bench/search.py,
# picked up by the glob above; `python bench/run.py imports search` runs just those two.
