"""Issue 16's figures in one run: the 月度总览 and the station page (stations_grid.py), the 考核
(stations_assessment.py) and the 街道小组半年报告 PDF (stations_halfyear.py). Each builds its own
site and prints its figures beside its floor; this runs them one after another, with their
defaults (run a part alone for its options, such as --postgres)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = ("stations_grid.py", "stations_assessment.py", "stations_halfyear.py")

if __name__ == "__main__":
    failed = []
    for part in PARTS:
        print(f"== {part}", flush=True)
        if subprocess.run([sys.executable, str(HERE / part)]).returncode:
            failed.append(part)
    sys.exit(f"failed: {', '.join(failed)}" if failed else 0)
