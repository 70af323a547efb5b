#!/usr/bin/env python3
"""Checks a Chrome Trace Event file that pardo wrote.

    check_trace.py FILE TASKS [--processes N] [--category task|chunk]

FILE must parse as JSON with a traceEvents list; every complete event has a name, a category,
a pid, a tid, a start and a duration >= 0; the events of each (pid, tid) nest (each starts
after the one before it ended, or ends within it); every (pid, tid) with events has a
thread_name and every pid a process_name; and there are TASKS events of the category
(--category, default task). --processes N: those events come from 1 to N processes other
than the one that wrote the file (the workers that took tasks). Prints what is wrong and exits 1, or exits 0.
"""

import argparse
import json
import sys
from collections import defaultdict


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("tasks", type=int)
    parser.add_argument("--processes", type=int)
    parser.add_argument("--category", default="task")
    args = parser.parse_args()
    problems = []
    with open(args.file, encoding="utf-8") as f:
        trace = json.load(f)
    events = trace["traceEvents"]
    threads = {(e["pid"], e["tid"]) for e in events
               if e["ph"] == "M" and e["name"] == "thread_name"}
    processes = {e["pid"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
    by_track = defaultdict(list)
    for e in events:
        if e["ph"] != "X":
            continue
        for key in ("name", "cat", "pid", "tid", "ts", "dur"):
            if key not in e:
                problems.append(f"an event without {key}: {e}")
        if e["dur"] < 0:
            problems.append(f"a negative duration: {e}")
        by_track[(e["pid"], e["tid"])].append(e)
    for track, track_events in by_track.items():
        if track not in threads:
            problems.append(f"track {track} has events but no thread_name")
        if track[0] not in processes:
            problems.append(f"process {track[0]} has events but no process_name")
        # In whole nanoseconds, as written: summed as doubles, ts + dur of an event can land a
        # fraction of a nanosecond past the ts of the next one, which starts as it ends, and
        # that one would seem to start inside it.
        stack = []
        for e in sorted(track_events, key=lambda e: e["ts"]):
            start = round(e["ts"] * 1000)
            end = start + round(e["dur"] * 1000)
            while stack and stack[-1] <= start:
                stack.pop()
            if stack and end > stack[-1] + 1:
                problems.append(f"{e['name']} at {e['ts']} overlaps its neighbour on {track}")
            stack.append(end)
    counted = [e for e in events if e["ph"] == "X" and e["cat"] == args.category]
    if len(counted) != args.tasks:
        problems.append(f"{len(counted)} {args.category} events, expected {args.tasks}")
    if args.processes is not None:
        # The first process_name is the writer's own.
        names = [e["pid"] for e in events if e["ph"] == "M" and e["name"] == "process_name"]
        others = {e["pid"] for e in counted} - set(names[:1])
        # How many of the workers took a task is up to the schedule; none of them is wrong.
        if not 1 <= len(others) <= args.processes:
            problems.append(f"{args.category} events from {len(others)} other processes, "
                            f"expected 1 to {args.processes}")
    for p in problems[:20]:
        print(f"{args.file}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
