#!/usr/bin/env python3
"""Regenerate ports/unix/hot-functions.txt, the link order of the `upy` binary's code.

The list names (mangled, as in the binary's symbol table) every function that a set of
typical programs executes, hottest first; build.rs hands it to the linker so that code sits
together at the start of `.text` (docs/performance.md, "Code layout"). Symbol names carry
hashes that change with the toolchain and the release profile, so regenerate the list after
changing either (stale names are skipped by the linker, and peak RSS grows back):

    cargo build --release -p upy-unix
    python3 ports/unix/hot_functions.py [--upy target/release/upy] [--perf-bench DIR]
    cargo build --release -p upy-unix      # relinks with the new order

Training programs: bench/*.py, `-c pass`, and upstream's perf_bench programs (each with
benchrun.py and `bm_run(100, 100)`) when --perf-bench names their folder. Needs valgrind.
"""

import argparse
import collections
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run_callgrind(upy, args, cwd, out):
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}", upy]
        + args,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )


def self_costs(path, cost):
    """Add each function's self cost (Ir) in callgrind file `path` into `cost`."""
    names = {}
    cur = None
    after_calls = False
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"(c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
            if m:
                if m.group(3):
                    names[m.group(2)] = re.sub(r"'\d+$", "", m.group(3))
                if m.group(1) == "fn":
                    cur = names.get(m.group(2))
                    if cur is not None:
                        cost[cur] += 0
                continue
            if line.startswith("calls="):
                after_calls = True
                continue
            if line[:1].isdigit() or line[:1] in "+-*":
                if after_calls:
                    # The line after calls= is the call's inclusive cost, not self cost.
                    after_calls = False
                    continue
                parts = line.split()
                if cur is not None and len(parts) >= 2 and parts[1].isdigit():
                    cost[cur] += int(parts[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upy", default=os.path.join(ROOT, "target/release/upy"))
    ap.add_argument("--perf-bench", help="upstream's tests/perf_bench folder")
    ap.add_argument("--out", default=os.path.join(HERE, "hot-functions.txt"))
    a = ap.parse_args()
    upy = os.path.abspath(a.upy)
    cost = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [(["-c", "pass"], ROOT)]
        jobs += [([p], ROOT) for p in sorted(glob.glob(os.path.join(ROOT, "bench/*.py")))]
        if a.perf_bench:
            runner = open(os.path.join(a.perf_bench, "benchrun.py")).read()
            for p in sorted(glob.glob(os.path.join(a.perf_bench, "*.py"))):
                name = os.path.basename(p)
                if name == "benchrun.py" or name.startswith("viper_"):
                    continue
                prog = os.path.join(tmp, name)
                with open(prog, "w") as f:
                    f.write(open(p).read() + "\n" + runner + "\nbm_run(100, 100)\n")
                # Programs that import .mpy files next to them run from the folder.
                jobs.append(([prog], a.perf_bench))
        for i, (args, cwd) in enumerate(jobs):
            print(" ".join(args), file=sys.stderr)
            out = os.path.join(tmp, f"cg.{i}")
            run_callgrind(upy, args, cwd, out)
            if os.path.exists(out):
                self_costs(out, cost)
    names = [n for n, _ in cost.most_common() if not n.startswith("(")]
    # The toolchain that made the names: `cargo xtask test` checks the list against builds
    # by the same toolchain only (another one renames everything).
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    with open(a.out, "w") as f:
        f.write(f"# {rustc}\n" + "".join(n + "\n" for n in names))
    print(f"{len(names)} functions -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
