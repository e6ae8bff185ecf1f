"""The province soak at full size: 3 API processes, 2 pollers, the worker, 300 push + 20 pull terminals, faults.

Usage: .venv/bin/python bench/province_soak.py [SECONDS] [--push N] [--pull N] [--peak P] [--getrequest G]
Defaults: 300 s, 300 push and 20 pull terminals, the 07:00 peak at 30 punches/s, 100 getrequest/s.
PostgreSQL is a private server of the installed version (see tests/soak_cluster.py): the soak
restarts it, which must not break anybody else's tests on the shared cluster.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _db import table  # noqa: E402

from tests.soak import SoakPlan, run_soak  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("seconds", nargs="?", type=float, default=300.0)
    parser.add_argument("--push", type=int, default=300)
    parser.add_argument("--pull", type=int, default=20)
    parser.add_argument("--peak", type=float, default=30.0)
    parser.add_argument("--getrequest", type=float, default=100.0)
    args = parser.parse_args()
    plan = SoakPlan(push_terminals=args.push, pull_terminals=args.pull, seconds=args.seconds,
                    peak_punches_per_second=args.peak, getrequests_per_second=args.getrequest)
    load_before = os.getloadavg()
    started, own_cpu = time.monotonic(), time.process_time()
    report = run_soak(plan)
    wall, own_cpu = time.monotonic() - started, time.process_time() - own_cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_after = os.getloadavg()
    rows = [["plan", f"{plan.seconds:.0f} s; {plan.push_terminals} push + {plan.pull_terminals} pull terminals; "
                     f"{plan.api_processes} API processes, {plan.pollers} pollers, the worker"],
            ["peak offered", f"{plan.peak_punches_per_second:.0f} punches/s, {plan.getrequests_per_second:.0f} getrequest/s"],
            *report.rows(),
            ["CPU: API processes + pollers + worker / the load generator (cores, average)",
             f"{(children.ru_utime + children.ru_stime) / wall:.2f} / {own_cpu / wall:.2f} (PostgreSQL not counted)"],
            ["load average before / after (2 cores, shared with 4 other helpers)",
             f"{load_before[0]:.2f} / {load_after[0]:.2f}"],
            ["process logs", report.logs]]
    table("Province soak (targets: 0 lost, 0 duplicated, p95 <= 200 ms at the peak, recovery <= 10 s)",
          ["measure", "value"], rows)


if __name__ == "__main__":
    main()
