#!/usr/bin/env python3
"""The fault suite's view of /proc, read in a helper process that can never hang the suite.

A read of /proc/PID/stat can block in the kernel: in CI one never returned, and the suite's
main thread, stuck in it, could not even exit when faulthandler's watchdog fired. So every
/proc read happens in this file's helper process (`python3 proctable.py FD`), asked one JSON
line at a time. A request unanswered within READ_TIMEOUT_S gets the helper killed and
replaced; the pid it was reading (published in the shared file FD) is left out from then on,
and one line says so. The helper holds none of the suite's output pipes, so even a helper
stuck for good cannot keep ctest waiting.

Kernels without /proc/PID/task/TID/children (Firecracker's, for one) are read with one scan
of /proc per request, not one per process of the tree.
"""

import json
import mmap
import os
import select
import signal
import struct
import subprocess
import sys
import tempfile

READ_TIMEOUT_S = 5.0
SLOT = struct.Struct("q")  # the pid the helper is reading, 0 between reads


# --- the helper ------------------------------------------------------------------------------

class Reader:
    def __init__(self, slot_fd):
        self.slot = mmap.mmap(slot_fd, SLOT.size)
        self.skip = set()
        self.has_children_file = os.path.exists(
            f"/proc/self/task/{os.getpid()}/children")

    def read(self, pid, name):
        if pid in self.skip:
            return None
        SLOT.pack_into(self.slot, 0, pid)
        try:
            with open(f"/proc/{pid}/{name}") as f:
                return f.read()
        except OSError:
            return None
        finally:
            SLOT.pack_into(self.slot, 0, 0)

    def stat(self, pid):
        """[ppid, pgrp, state, starttime] of a live pid, or None."""
        text = self.read(pid, "stat")
        if not text:
            return None
        rest = text[text.rindex(")") + 2:].split()
        return [int(rest[1]), int(rest[2]), rest[0], int(rest[19])]

    def scan(self):
        table = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                st = self.stat(int(entry))
                if st is not None:
                    table[int(entry)] = st
        return table

    def kids(self, pid, table):
        if table is not None:
            return [p for p, st in table.items() if st[0] == pid]
        found = set()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            return []
        for task in tasks:
            text = self.read(pid, f"task/{task}/children")
            found.update(int(k) for k in (text or "").split())
        return sorted(found)

    def tree(self, root):
        """{pid: stat} of every live descendant of root."""
        table = None if self.has_children_file else self.scan()
        found, todo = {}, [root]
        while todo:
            for kid in self.kids(todo.pop(), table):
                st = table.get(kid) if table is not None else self.stat(kid)
                if st is not None and kid not in found:
                    found[kid] = st
                    todo.append(kid)
        return found

    def status(self, pid):
        text = self.read(pid, "status")
        if not text:
            return None
        fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
        return {"name": fields.get("Name", "").strip(),
                "handled": int(fields.get("SigCgt", "0"), 16) | int(fields.get("SigIgn", "0"), 16)}

    def answer(self, request):
        self.skip = set(request.get("skip", ()))
        op = request["op"]
        if op == "stat":
            return {str(p): self.stat(p) for p in request["pids"]}
        if op == "tree":
            return {str(p): st for p, st in self.tree(request["root"]).items()}
        if op == "group":
            return [p for p, st in self.scan().items()
                    if st[1] == request["pgid"] and st[2] != "Z"]
        if op == "status":
            return self.status(request["pid"])
        raise ValueError(f"unknown request {op!r}")


def serve(slot_fd):
    reader = Reader(slot_fd)
    for line in sys.stdin:
        sys.stdout.write(json.dumps(reader.answer(json.loads(line))) + "\n")
        sys.stdout.flush()


# --- the suite's side ------------------------------------------------------------------------

class ProcTable:
    """The suite's questions about processes, answered by the helper."""

    def __init__(self, timeout_s=READ_TIMEOUT_S):
        self.timeout_s = timeout_s
        self.slot_file = tempfile.TemporaryFile()
        self.slot_file.write(b"\0" * SLOT.size)
        self.slot_file.flush()
        self.slot = mmap.mmap(self.slot_file.fileno(), SLOT.size)
        self.skip = set()
        self.helper = None
        self.abandoned = []
        self.pending = b""

    def start(self):
        self.abandoned = [p for p in self.abandoned if p.poll() is None]
        fd = self.slot_file.fileno()
        self.helper = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), str(fd)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, pass_fds=(fd,),
            start_new_session=True)
        self.pending = b""

    def abandon(self):
        """Kills the helper without waiting for it: a read the kernel blocks can outlast
        SIGKILL."""
        try:
            os.kill(self.helper.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for pipe in (self.helper.stdin, self.helper.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        self.abandoned.append(self.helper)
        self.helper = None

    def close(self, wait_s=1.0):
        """Ends the helpers, waiting at most wait_s for each."""
        if self.helper is not None:
            self.abandon()
        for p in self.abandoned:
            try:
                p.wait(wait_s)
            except subprocess.TimeoutExpired:
                pass
        self.abandoned = []
        self.slot.close()
        self.slot_file.close()

    def reply(self):
        """The helper's next line, or None after timeout_s or its end."""
        fd = self.helper.stdout.fileno()
        while b"\n" not in self.pending:
            ready, _, _ = select.select([fd], [], [], self.timeout_s)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return json.loads(line)

    def ask(self, request, empty):
        """The helper's answer; after a blocked read, the answer without the blocked pid."""
        for _ in range(4):
            if self.helper is None:
                self.start()
            request["skip"] = sorted(self.skip)
            try:
                self.helper.stdin.write((json.dumps(request) + "\n").encode())
                self.helper.stdin.flush()
                answer = self.reply()
            except (BrokenPipeError, ValueError):
                answer = None
            if answer is not None:
                return answer
            blocked = SLOT.unpack_from(self.slot, 0)[0]
            self.abandon()
            if blocked:
                self.skip.add(blocked)
                print(f"faults: a read of /proc/{blocked} has not returned in "
                      f"{self.timeout_s:g} s; pid {blocked} is left out of the process watch",
                      flush=True)
        return empty

    def stats(self, pids):
        """{pid: (ppid, pgrp, state, starttime)} of the live ones among pids."""
        answer = self.ask({"op": "stat", "pids": list(pids)}, {})
        return {int(p): tuple(st) for p, st in answer.items() if st is not None}

    def stat(self, pid):
        return self.stats([pid]).get(pid)

    def tree(self, root):
        """{pid: (ppid, pgrp, state, starttime)} of every live descendant of root."""
        return {int(p): tuple(st) for p, st in self.ask({"op": "tree", "root": root}, {}).items()}

    def group(self, pgid):
        """The live members of process group pgid."""
        return self.ask({"op": "group", "pgid": pgid}, [])

    def handles(self, pid, sig):
        """Whether pid, a live pardo process, catches or ignores sig."""
        status = self.ask({"op": "status", "pid": pid}, None)
        return (status is not None and status["name"].startswith("pardo") and
                bool(status["handled"] & (1 << (sig - 1))))


if __name__ == "__main__":
    serve(int(sys.argv[1]))
