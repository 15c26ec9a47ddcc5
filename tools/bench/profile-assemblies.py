#!/usr/bin/env python3
"""Share of the host's perf samples with a frame of each .NET assembly on the stack (inclusive, counted once per
sample), from the perf.folded that `./clinic profile` writes. Usage: profile-assemblies.py artifacts/bench/profile/perf.folded"""
import collections
import re
import sys

total = 0
inclusive = collections.Counter()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    stack, _, count = line.rstrip("\n").rpartition(" ")
    frames = stack.split(";")
    if not frames[0].startswith("host"):
        continue
    samples = int(count)
    total += samples
    seen = set()
    for frame in frames[1:]:
        match = re.search(r"\[([A-Za-z][\w.]+)\] ([\w.`]+)", frame)
        if match:
            name = match.group(1)
            if name.startswith("Clinic."):
                name += " / " + ".".join(match.group(2).split(".")[:4])
            if name not in seen:
                seen.add(name)
                inclusive[name] += samples
print(f"host samples: {total}")
for name, samples in inclusive.most_common(40):
    print(f"{100 * samples / total:6.1f} %  {name}")
