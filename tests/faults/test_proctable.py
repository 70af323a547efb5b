#!/usr/bin/env python3
"""The fault suite's /proc reader: the process tree it reports, and a helper that stops
answering (as one stuck in a kernel read would) costs a restart, never a hang.

    python3 tests/faults/test_proctable.py
"""

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from proctable import SLOT, ProcTable  # noqa: E402

TIMEOUT_S = 1.0


class ProcTableTest(unittest.TestCase):
    def setUp(self):
        self.table = ProcTable(timeout_s=TIMEOUT_S)
        self.procs = []
        self.tmp = tempfile.mkdtemp(prefix="pardo-proctable-")

    def tearDown(self):
        for p in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(10)
        self.table.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def spawn(self, script):
        p = subprocess.Popen(["sh", "-c", script], start_new_session=True)
        self.procs.append(p)
        return p

    def wait_for(self, predicate, seconds=10):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            value = predicate()
            if value:
                return value
            time.sleep(0.02)
        self.fail("timed out")

    def test_tree_gives_children_and_grandchildren_with_their_parents(self):
        p = self.spawn("sh -c 'sleep 30 & sleep 30' & sleep 30")
        tree = self.wait_for(lambda: (t := self.table.tree(p.pid)) and len(t) == 4 and t)
        kids = [k for k, st in tree.items() if st[0] == p.pid]
        self.assertEqual(len(kids), 2)
        grandkids = [k for k, st in tree.items() if st[0] != p.pid]
        self.assertEqual(len(grandkids), 2)
        self.assertTrue(all(tree[k][0] in kids for k in grandkids))
        self.assertTrue(all(st[1] == p.pid for st in tree.values()), "one process group")
        self.assertEqual(sorted(self.table.group(p.pid)), sorted([p.pid, *tree]))

    def test_stats_leave_out_processes_that_are_gone(self):
        p = self.spawn("exit 0")
        p.wait(10)
        me = os.getpid()
        stats = self.table.stats([me, p.pid])
        self.assertEqual(list(stats), [me])
        self.assertEqual(stats[me][0], os.getppid())
        self.assertEqual(self.table.stat(p.pid), None)
        self.assertEqual(self.table.tree(p.pid), {})

    def test_handles_reads_the_masks_of_pardo_processes_only(self):
        sleeper = os.path.join(self.tmp, "pardo-sleep")
        shutil.copy(shutil.which("sleep"), sleeper)
        p = self.spawn(f"trap '' TERM; exec {sleeper} 30")
        self.wait_for(lambda: self.table.handles(p.pid, signal.SIGTERM))
        self.assertFalse(self.table.handles(p.pid, signal.SIGUSR1))
        q = self.spawn("trap '' TERM; exec sleep 30")
        self.wait_for(lambda: (self.table.stat(q.pid) or (0, 0, "", 0))[2] == "S")
        self.assertFalse(self.table.handles(q.pid, signal.SIGTERM), "not a pardo process")

    def test_a_helper_that_stops_answering_is_replaced(self):
        me = os.getpid()
        self.assertIn(me, self.table.stats([me]))
        stuck = self.table.helper
        os.kill(stuck.pid, signal.SIGSTOP)
        start = time.monotonic()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            stats = self.table.stats([me])
        self.assertIn(me, stats)
        self.assertLess(time.monotonic() - start, TIMEOUT_S + 5)
        self.assertIsNot(self.table.helper, stuck)
        self.assertEqual(out.getvalue(), "", "no pid was being read: none is left out")

    def test_the_pid_a_stuck_helper_was_reading_is_left_out_and_named(self):
        p = self.spawn("sleep 30")
        me = os.getpid()
        self.assertIn(p.pid, self.table.stats([p.pid]))
        os.kill(self.table.helper.pid, signal.SIGSTOP)
        SLOT.pack_into(self.table.slot, 0, p.pid)  # as if stopped inside a read of p
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            stats = self.table.stats([me, p.pid])
        self.assertEqual(list(stats), [me])
        self.assertIn(f"/proc/{p.pid} has not returned in {TIMEOUT_S:g} s", out.getvalue())
        self.assertEqual(self.table.stat(p.pid), None, "left out from then on")
        self.assertNotIn(p.pid, self.table.group(p.pid))

    def test_a_helper_that_dies_is_replaced(self):
        me = os.getpid()
        self.table.stats([me])
        os.kill(self.table.helper.pid, signal.SIGKILL)
        self.table.helper.wait(10)
        self.assertIn(me, self.table.stats([me]))


if __name__ == "__main__":
    unittest.main()
