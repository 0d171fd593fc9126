"""Faults under the storage: a full disk (a small tmpfs filled up), ENOSPC and EIO on the WAL and on
table files (an injected file system, `--testing-fault-file`), descriptor exhaustion, and start-up
on a full disk.

What a user relies on, in every case: the server never aborts; while the fault lasts, writes are
refused with DynamoDB's retryable 503 ServiceUnavailable (never a 500 carrying RocksDB's text and
file paths) and reads keep working; once the fault is gone, writes come back by themselves within
seconds, without a restart; and no acknowledged write is lost, checked after a final kill -9.

DynamoDB itself never runs out of disk, so AWS has no wording for this; the message is Tideline's.
The tmpfs tests need root (mount); they are skipped otherwise.
"""

import base64
import concurrent.futures
import contextlib
import os
import socket
import subprocess
import tempfile
import threading
import time
import unittest

from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

import harness
from harness import TidelineServer, random_name, write_file_atomically

SIGABRT_EXIT = -6
ITEM_PAD = "x" * 200


def error_code(exc):
    return exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else None


class FaultTestCase(unittest.TestCase):
    """One server per test, over `self.data_dir` (a tmpfs when MOUNT_MB is set)."""

    MOUNT_MB = None
    SERVER_ARGS = ()

    def setUp(self):
        self.mount = None
        self.tmp = tempfile.mkdtemp(prefix="tideline-faults-")
        if self.MOUNT_MB:
            if os.geteuid() != 0:
                self.skipTest("mounting a small tmpfs needs root")
            self.mount = os.path.join(self.tmp, "mnt")
            os.mkdir(self.mount)
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.MOUNT_MB}m", "tmpfs",
                            self.mount], check=True)
            self.data_dir = os.path.join(self.mount, "data")
        else:
            self.data_dir = os.path.join(self.tmp, "data")
        self.server = TidelineServer(data_dir=self.data_dir, extra_args=self.server_args())
        self.server.start()
        self.client = self.server.client()
        self.acked = {}  # key -> value of every acknowledged PutItem
        self.table = random_name("faults")
        self.client.create_table(
            TableName=self.table, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])

    def server_args(self):
        return list(self.SERVER_ARGS)

    def tearDown(self):
        with contextlib.suppress(Exception):
            self.server._reap()
        if self.mount:
            subprocess.run(["umount", "-l", self.mount], check=False)
        self.server.cleanup()
        with contextlib.suppress(OSError):
            os.rmdir(os.path.join(self.tmp, "mnt"))
        with contextlib.suppress(OSError):
            os.rmdir(self.tmp)

    # --- helpers -----------------------------------------------------------------------------

    def put(self, key, value, client=None):
        """PutItem; records it as acknowledged when it succeeds."""
        (client or self.client).put_item(
            TableName=self.table, Item={"pk": {"S": key}, "v": {"S": value},
                                        "pad": {"S": ITEM_PAD}})
        self.acked[key] = value

    def put_many(self, prefix, n):
        for i in range(n):
            self.put(f"{prefix}-{i}", f"value-{i}")

    def get(self, key, client=None):
        item = (client or self.client).get_item(
            TableName=self.table, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")
        return item["v"]["S"] if item else None

    def assertAlive(self):
        self.assertTrue(self.server.alive(),
                        f"tideline died (exit {self.server.proc.returncode}; -6 is SIGABRT):\n"
                        f"{self.server.log_tail(60)}")

    def drive_writes(self, seconds, threads=4, prefix="w"):
        """Concurrent PutItems for `seconds`; returns the error codes of the refused ones."""
        errors = []
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def writer(t):
            client = self.server.client()
            i = 0
            while time.monotonic() < stop:
                key = f"{prefix}-{t}-{i}"
                i += 1
                try:
                    self.put(key, f"v{i}", client)
                except (ClientError, ConnectionClosedError, EndpointConnectionError) as e:
                    with lock:
                        errors.append(error_code(e) or type(e).__name__)
                    time.sleep(0.01)

        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            list(pool.map(writer, range(threads)))
        return errors

    def assertRefusedAsUnavailable(self, errors):
        self.assertTrue(errors, "no write was refused while the fault lasted")
        self.assertEqual(set(errors), {"ServiceUnavailable"},
                         f"writes must be refused with 503 ServiceUnavailable only: {errors[:20]}")

    def put_big_items(self, big, count, max_errors):
        """PutItems of items carrying `big` until `max_errors` are refused; returns their codes."""
        errors = []
        for i in range(count):
            try:
                self.client.put_item(TableName=self.table,
                                     Item={"pk": {"S": f"big-{i}"}, "v": {"S": str(i)},
                                           "blob": {"S": big}})
                self.acked[f"big-{i}"] = str(i)
            except ClientError as e:
                errors.append(error_code(e))
                if len(errors) >= max_errors:
                    break
        return errors

    def assertRefusedThenRecovers(self, errors, end_fault, check_reads=True):
        """While the fault lasted the server lived, refused writes with 503 alone (and served
        reads); once `end_fault()` ends it, writes come back and no acknowledged one is lost."""
        self.assertAlive()
        self.assertRefusedAsUnavailable(errors)
        if check_reads:
            self.assertReadsWork()
        end_fault()
        self.assertWritesComeBack(within=10)
        self.assertNothingLostAfterKill9()

    def assertWriteRefused(self, contains):
        with self.assertRaises(ClientError) as cm:
            self.put(random_name("refused"), "x")
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], "ServiceUnavailable")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 503)
        self.assertIn(contains, err["Error"]["Message"])
        self.assertNotIn("/", err["Error"]["Message"])  # no path of the server's disk

    def assertReadsWork(self, within=5.0):
        """Reads of acknowledged items answer (after at most `within` s), then keep answering."""
        sample = list(self.acked.items())[:20]
        deadline = time.monotonic() + within
        while True:
            try:
                self.assertEqual(self.get(sample[0][0]), sample[0][1])
                break
            except ClientError as e:
                self.assertEqual(error_code(e), "ServiceUnavailable")
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        for key, value in sample:
            self.assertEqual(self.get(key), value)
        self.client.scan(TableName=self.table, Limit=10)

    def assertWritesComeBack(self, within=10.0):
        deadline = time.monotonic() + within
        last = None
        while time.monotonic() < deadline:
            try:
                self.put(random_name("back"), "back")
                return time.monotonic() - (deadline - within)
            except ClientError as e:
                last = e
                self.assertEqual(error_code(e), "ServiceUnavailable", str(e))
                time.sleep(0.1)
            self.assertAlive()
        self.fail(f"writes did not come back within {within}s without a restart: {last}\n"
                  f"{self.disk_usage()}\n{self.server.log_tail(40)}")

    def disk_usage(self):
        """What the data directory holds and what is free beside it (for a failure's message)."""
        if not self.mount:
            return ""
        st = os.statvfs(self.mount)
        files = subprocess.run(["du", "-ak", self.data_dir], capture_output=True, text=True).stdout
        big = [line for line in files.splitlines() if int(line.split()[0]) >= 1024]
        return f"free: {st.f_bavail * st.f_frsize >> 20} MiB; files of 1 MiB or more (KiB):\n" + \
            "\n".join(big)

    def assertNothingLostAfterKill9(self):
        self.assertAlive()
        self.server.kill9()
        self.server.start()
        self.client = self.server.client()
        keys = list(self.acked)
        missing = []
        for i in range(0, len(keys), 100):
            chunk = keys[i:i + 100]
            got = {}
            request = {self.table: {"Keys": [{"pk": {"S": k}} for k in chunk],
                                    "ConsistentRead": True}}
            while request:
                resp = self.client.batch_get_item(RequestItems=request)
                for item in resp["Responses"].get(self.table, []):
                    got[item["pk"]["S"]] = item["v"]["S"]
                request = resp.get("UnprocessedKeys") or None
            missing += [k for k in chunk if got.get(k) != self.acked[k]]
        self.assertEqual(missing, [], f"{len(missing)} of {len(keys)} acknowledged writes lost")


class FullDisk(FaultTestCase):
    """A 256 MB tmpfs filled by another file; Tideline keeps its 64 MB reserve on it.

    Writes come back once the reserve is in place again with twice the 16 MB floor free beside
    it, 96 MB in all; Tideline's own writes may leave up to ~94 MB of table files behind (the
    30 MB left free, the spent reserve), so the disk must hold both once the filler is gone."""

    MOUNT_MB = 256

    def fill(self):
        """Takes every free byte of the filesystem with a filler file."""
        self.filler = os.path.join(self.mount, "filler")
        chunk = b"\0" * (1 << 20)
        with open(self.filler, "wb", buffering=0) as f:
            with contextlib.suppress(OSError):
                while True:
                    f.write(chunk)
            with contextlib.suppress(OSError):
                while True:
                    f.write(b"\0" * 4096)

    def free_space(self):
        os.remove(self.filler)

    def test_full_disk_refuses_writes_keeps_reads_and_recovers(self):
        # ENOSPC on the WAL under concurrent writes used to trip RocksDB's assertion
        # (SIGABRT); after the space came back, writes failed with 500 until a restart.
        self.put_many("before", 50)
        self.fill()
        errors = self.drive_writes(2.0)
        self.assertAlive()
        self.assertRefusedAsUnavailable(errors)
        self.assertReadsWork()
        self.assertWriteRefused("disk is full")
        self.assertAlive()
        self.free_space()
        self.assertWritesComeBack(within=10)
        self.put_many("after", 20)
        self.assertNothingLostAfterKill9()

    def test_disk_fills_while_writing_large_items(self):
        # The disk fills from Tideline's own writes: WAL, memtable flushes and compactions
        # compete for the last bytes.
        self.fill()
        self.free_space()
        with open(self.filler, "wb") as f:  # leave ~30 MB beside the reserve
            st = os.statvfs(self.mount)
            f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - (94 << 20)))
        big = base64.b64encode(os.urandom(225 << 10)).decode()  # 300 KB that LZ4 cannot shrink
        errors = self.put_big_items(big, count=600, max_errors=20)
        self.assertRefusedThenRecovers(errors, self.free_space)


class StartOnFullDisk(FaultTestCase):
    MOUNT_MB = 160

    def test_start_on_a_full_disk_serves_reads_and_recovers(self):
        # Starting on a full filesystem aborted. Tideline starts on its reserve, refuses
        # writes with 503 and serves reads until space is freed.
        self.put_many("before", 30)
        self.assertEqual(self.server.stop(), 0)
        FullDisk.fill(self)
        self.server.start()
        self.client = self.server.client()
        self.assertReadsWork()
        self.assertWriteRefused("disk is full")
        FullDisk.free_space(self)
        self.assertWritesComeBack(within=10)
        self.assertNothingLostAfterKill9()

    def test_start_on_a_full_disk_without_a_reserve_exits_with_a_message(self):
        self.server.kill9()
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(self.data_dir, "disk-reserve"))
        FullDisk.fill(self)
        rc = subprocess.run(self.server.command(harness.free_port()), capture_output=True,
                            text=True, timeout=60)
        self.assertEqual(rc.returncode, 1, rc.stderr[-2000:])  # not -6 (SIGABRT)
        self.assertIn("disk holding the data directory is full", rc.stderr)


class InjectedFaults(FaultTestCase):
    """EIO and ENOSPC from an injected file system (`--testing-fault-file`)."""

    def server_args(self):
        self.trigger = os.path.join(self.tmp, "fault")
        return ["--testing-fault-file", self.trigger]

    def inject(self, what):
        write_file_atomically(self.trigger, what)
        time.sleep(0.1)  # the trigger is polled every 20 ms

    def heal(self):
        os.remove(self.trigger)

    def test_eio_on_the_wal(self):
        self.put_many("before", 50)
        self.inject("EIO")
        errors = self.drive_writes(1.5)
        self.assertAlive()
        self.assertRefusedAsUnavailable(errors)
        self.assertWriteRefused("Retry later")
        # Reads may be refused too (503) while writes whose WAL write failed cannot be made
        # durable: an answer must not show a value that a crash could still take back.
        for key in list(self.acked)[:10]:
            with contextlib.suppress(ClientError):
                self.assertEqual(self.get(key), self.acked[key])
        self.assertAlive()
        self.heal()
        self.assertWritesComeBack(within=10)
        self.assertReadsWork()
        self.assertNothingLostAfterKill9()

    def test_enospc_on_a_memtable_flush(self):
        # Only table files fail: the WAL takes the writes until the memtable (8 MB) must be
        # flushed. RocksDB 7.8 then stops writes for good unless told to resume.
        self.put_many("before", 20)
        self.inject("ENOSPC sst")
        big = "z" * (300 << 10)
        errors = self.put_big_items(big, count=200, max_errors=10)
        self.assertRefusedThenRecovers(errors, self.heal)

    def test_eio_on_a_memtable_flush(self):
        self.put_many("before", 20)
        self.inject("EIO sst")
        big = "z" * (300 << 10)
        errors = self.put_big_items(big, count=200, max_errors=10)
        self.assertRefusedThenRecovers(errors, self.heal, check_reads=False)


class DescriptorExhaustion(FaultTestCase):
    def limits(self):
        with open(f"/proc/{self.server.proc.pid}/limits") as f:
            for line in f:
                if line.startswith("Max open files"):
                    return int(line.split()[3]), int(line.split()[4])
        self.fail("no descriptor limit in /proc")

    def soft_limit(self):
        return self.limits()[0]

    def hard_limit(self):
        return self.limits()[1]

    def test_server_raises_its_descriptor_limit(self):
        # Before, the server kept the soft limit it was given (often 1024).
        self.server.kill9()
        base = self.server.command

        def limited(port):
            return ["prlimit", "--nofile=256:4096"] + base(port)

        self.server.command = limited
        self.server.start()
        self.assertEqual(self.soft_limit(), 4096)

    def test_descriptor_flood_then_writes_come_back(self):
        # A flood of connections takes every descriptor; a memtable flush then cannot open its
        # table file. Writes must be refused with 503 and come back once descriptors are free.
        self.put_many("before", 20)
        pid = self.server.proc.pid
        hard = self.hard_limit()
        subprocess.run(["prlimit", f"--pid={pid}", "--nofile=160:"], check=True)
        socks = []
        try:
            for _ in range(200):
                s = socket.create_connection(("127.0.0.1", self.server.port), timeout=2)
                socks.append(s)
            time.sleep(0.5)  # let the server accept what it can
            big = "q" * (300 << 10)
            errors = []
            for i in range(120):
                try:
                    self.client.put_item(TableName=self.table,
                                         Item={"pk": {"S": f"big-{i}"}, "v": {"S": str(i)},
                                               "blob": {"S": big}})
                    self.acked[f"big-{i}"] = str(i)
                except (ClientError, ConnectionClosedError, EndpointConnectionError) as e:
                    errors.append(error_code(e) or type(e).__name__)
                    if len(errors) >= 10:
                        break
            self.assertAlive()
            self.assertTrue(errors, "the flood did not make any write fail; the test is void")
        finally:
            for s in socks:
                s.close()
        subprocess.run(["prlimit", f"--pid={pid}", f"--nofile={hard}:"], check=True)
        self.client = self.server.client()
        self.assertWritesComeBack(within=10)
        self.assertNothingLostAfterKill9()


if __name__ == "__main__":
    unittest.main()
