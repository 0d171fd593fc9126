"""A clean shutdown (SIGTERM) under write load with --sync: the server exits 0 without a crash or
a sanitizer report, and every write it acknowledged is there after a restart.

The hard case is an fsync that outlasts the drain: a slow disk (the fault-injection file system's
"SLOW <ms>" mode delays every WAL sync) and a drain timeout shorter than one sync, so that the
drain gives up on sessions that still wait for the wal-sync thread. Their completions must not
reach an event loop that has stopped, and the wal-sync thread must answer every waiter before
storage closes (docs/threads.md, "Shutdown").
"""

import os
import shutil
import tempfile
import threading
import time

from harness import ServerTestCase, write_file_atomically

SYNC_DELAY_MS = 600
DRAIN_TIMEOUT_S = 0.2


class SigtermUnderSyncWrites(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        # The trigger file is written only while a test wants a slow disk (creating the table
        # and the restart run at full speed).
        cls.trigger_dir = tempfile.mkdtemp(prefix="tideline-slow-disk-")
        cls.trigger = os.path.join(cls.trigger_dir, "slow-disk")
        cls.SERVER_ARGS = ("--sync", "--testing-drain-timeout", str(DRAIN_TIMEOUT_S),
                           "--testing-fault-file", cls.trigger)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.trigger_dir, ignore_errors=True)

    def slow_disk(self, on):
        if on:
            write_file_atomically(self.trigger, f"SLOW {SYNC_DELAY_MS}")
        elif os.path.exists(self.trigger):
            os.remove(self.trigger)

    def tearDown(self):
        self.slow_disk(False)
        super().tearDown()

    def write_until_stopped(self, name, writers):
        """Starts `writers` threads putting distinct items; returns (acked list, stop event,
        threads). A write counts as acknowledged only when its 200 arrived."""
        acked, stop = [], threading.Event()
        lock = threading.Lock()

        def writer(n):
            client = self.server.client()
            i = 0
            while not stop.is_set():
                key = f"w{n}-{i}"
                try:
                    client.put_item(TableName=name, Item={"pk": {"S": key}, "n": {"N": str(i)}})
                except Exception:
                    return  # the server is going away
                with lock:
                    acked.append(key)
                i += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
        for t in threads:
            t.start()
        return acked, stop, threads

    def stop_under_load(self, slow):
        name = self.create_table()
        acked, stop, threads = self.write_until_stopped(name, writers=6)
        time.sleep(1.0)
        if slow:
            self.slow_disk(True)
            # Let the next syncs start slow: the SIGTERM then lands while sessions wait on one.
            time.sleep(SYNC_DELAY_MS / 1000 / 2)
        started = time.monotonic()
        rc = self.server.stop(timeout=60)
        took = time.monotonic() - started
        stop.set()
        for t in threads:
            t.join(30)
        self.slow_disk(False)
        log = self.server.log_tail(60)
        self.assertEqual(rc, 0, log)
        self.assertEqual(self.server.sanitizer_report(), "", log)
        for level in (" error ", " critical "):
            self.assertNotIn(level, self.server.log_text(), log)
        self.assertGreater(len(acked), 10, "too few writes were acknowledged to show anything")
        if slow:
            # The drain gave up on the sessions that still waited for an fsync.
            self.assertIn("still busy after the drain timeout", self.server.log_text(), log)
        self.start_again()
        present = set()
        start = None
        while True:
            kw = {"ExclusiveStartKey": start} if start else {}
            page = self.client.scan(TableName=name, **kw)
            present |= {item["pk"]["S"] for item in page["Items"]}
            start = page.get("LastEvaluatedKey")
            if not start:
                break
        missing = [k for k in acked if k not in present]
        self.assertEqual(missing, [], f"{len(missing)} of {len(acked)} acknowledged writes lost")
        return took

    def test_sigterm_while_fsyncs_outlast_the_drain(self):
        took = self.stop_under_load(slow=True)
        # The drain timed out, yet the server waited for the slow fsyncs in flight (and the
        # final one at close) rather than exiting under them.
        self.assertGreater(took, SYNC_DELAY_MS / 1000)

    def test_sigterm_under_sync_writes(self):
        self.stop_under_load(slow=False)
