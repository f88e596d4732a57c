"""Start-up of the CLI: `dedup --help` now, against the same with every stage imported up front.

Until issue 13 the CLI imported every stage at module level, so `dedup --help` (and any usage error)
paid for scikit-learn, scipy, datasketch and trafilatura: 1.4 s. Now a command imports what it
needs when it runs. For `--size` rounds, each in fresh interpreters, this times:

- floor: `python -c pass`, the interpreter alone;
- eager (the baseline): `dedup --help` with the stages imported first, as before;
- lazy (ours): `python -m dedup --help`.

It prints the median wall time of each, the ratio, and from `python -X importtime` the cost of
`import dedup.cli` and the modules it spends most on. The bar: `dedup --help` under 0.3 s.

    python benchmarks/bench_startup.py            # 10 rounds
    python benchmarks/bench_startup.py --size 30
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from importlib.metadata import version

BAR_S = 0.3
# What dedup/cli.py imported at 7ffdcea, directly or through dedup/__init__.py.
_EAGER_MODULES = (
    "dedup.comparison.compare",
    "dedup.comparison.pairs",
    "dedup.facts.diff",
    "dedup.facts.extract",
    "dedup.index",
    "dedup.index.sqlite_store",
    "dedup.profile.profile",
    "dedup.report.folder",
    "dedup.report.text",
    "dedup.scanning.scan",
    "dedup.sources.load",
    "tqdm",
)
_HELP = "import sys; sys.argv = ['dedup', '--help']; from dedup.cli import main; main()"
COMMANDS = {
    "floor: python -c pass": [sys.executable, "-c", "pass"],
    "eager: stages imported, then --help": [
        sys.executable,
        "-c",
        f"import {', '.join(_EAGER_MODULES)}; {_HELP}",
    ],
    "lazy: python -m dedup --help": [sys.executable, "-m", "dedup", "--help"],
}


def _time(command: list[str]) -> tuple[float, float]:
    """Run `command` once; return its wall time and its CPU time (user + system), in seconds.

    CPU time moves less than wall time when other jobs hold the cores; both are printed.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _import_times() -> tuple[float, list[tuple[float, str]]]:
    """Return the cumulative seconds of `import dedup.cli` and the costliest modules by self time."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import dedup.cli"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    total = 0.0
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        rows.append((int(self_us) / 1e6, name))
        if name == "dedup.cli":
            total = int(cumulative_us) / 1e6
    return total, sorted(rows, reverse=True)[:8]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10, help="rounds, each command once a round")
    arguments = parser.parse_args()
    for command in COMMANDS.values():
        _time(command)  # warm the file cache
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(arguments.size):
        for name, command in COMMANDS.items():  # interleaved: load on the machine hits all alike
            wall, cpu = _time(command)
            walls[name].append(wall)
            cpus[name].append(cpu)
    wall_of = {name: statistics.median(values) for name, values in walls.items()}
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    header = f"python {platform.python_version()}, click {version('click')}; {arguments.size} rounds"
    print(f"# {header}; load average {load}")
    print("| command | median wall s | min wall s | median CPU s |")
    print("|---|---|---|---|")
    for name in COMMANDS:
        cpu = statistics.median(cpus[name])
        print(f"| {name} | {wall_of[name]:.3f} | {min(walls[name]):.3f} | {cpu:.3f} |")
    floor, eager, lazy = (wall_of[name] for name in COMMANDS)
    lazy_cpu = statistics.median(cpus[list(COMMANDS)[2]])
    speed_up = eager / lazy
    print(
        f"\n`dedup --help`: {eager:.3f} s -> {lazy:.3f} s wall, {speed_up:.1f}x (interpreter {floor:.3f} s)"
    )
    # Wall time on a loaded machine counts other jobs' turns on the cores; CPU time does not.
    verdict = "met" if lazy < BAR_S else f"not met at this load (CPU {lazy_cpu:.3f} s)"
    print(f"bar: under {BAR_S} s -> {verdict}")
    total, heaviest = _import_times()
    print(f"\n`python -X importtime -c 'import dedup.cli'`: {total:.3f} s cumulative; most self time:")
    for seconds, name in heaviest:
        print(f"  {seconds * 1000:6.1f} ms  {name}")


if __name__ == "__main__":
    main()
