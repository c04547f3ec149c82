#!/usr/bin/env python3
"""Times shell commands in interleaved rounds, for scripts/bench.sh.

This machine is shared: its speed drifts by tens of percent within minutes. Running each
command's repetitions back to back (as hyperfine does) lets a slow minute fall on one
command and not on its peer, and a ratio of two such medians swings with it. Here every
round runs every command once, in an order rotated from round to round, and a comparison
is the median over rounds of the ratio within each round: both sides of a ratio ran
within seconds of each other.

    rounds.py OUT.json ROUNDS NAME=COMMAND...

Writes {"rounds": N, "times": {NAME: [seconds per round]}}; one warm-up round first
is not kept.
"""

import json
import subprocess
import sys
import time


def run(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    took = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"rounds.py: `{cmd}` exited with {done.returncode}")
    return took


def main():
    out, rounds, specs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    cmds = [s.split("=", 1) for s in specs]
    times = {name: [] for name, _ in cmds}
    for r in range(rounds + 1):
        k = r % len(cmds)
        for name, cmd in cmds[k:] + cmds[:k]:
            t = run(cmd)
            if r > 0:
                times[name].append(t)
        print(f"round {r}/{rounds}" + (" (warm-up)" if r == 0 else ""), file=sys.stderr)
    with open(out, "w") as f:
        json.dump({"rounds": rounds, "times": times}, f, indent=1)


if __name__ == "__main__":
    main()
