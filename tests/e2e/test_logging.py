"""What a person sees in the terminal (issue 14): one line per request at debug, every failed
request at warn/error with its request id, one info line per lifecycle event of a table, index,
backup and export; the start-up line; one server per data directory; --in-memory; --help's
examples.

The log is the server's stderr (spdlog: "<time> <level> <text>")."""

import glob
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest

from botocore.exceptions import ClientError

from harness import BIN, TidelineServer, free_port, random_name
from export_support import ExportTestCase


def wait_for(predicate, timeout=15, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class LogTestCase(ExportTestCase):
    def log_lines(self, level=None, contains=None):
        lines = self.server.log_text().splitlines()
        if level:
            lines = [x for x in lines if re.match(r"^\S+ " + level + " ", x)]
        if contains:
            lines = [x for x in lines if contains in x]
        return lines

    def wait_line(self, contains, level=None, timeout=15):
        return wait_for(lambda: self.log_lines(level, contains), timeout, f"a log line with {contains!r}")


class RequestLines(LogTestCase):
    SERVER_ARGS = ("--log-level", "debug")

    def test_every_request_has_a_debug_line_with_its_request_id(self):
        table = self.create_table()
        resp = self.client.put_item(TableName=table, Item={"pk": {"S": "a"}})
        request_id = resp["ResponseMetadata"]["RequestId"]
        line = self.wait_line(request_id)[0]
        self.assertRegex(line, rf" debug request {request_id} PutItem {table} 200 [0-9.]+ ms$")

    def test_a_request_without_a_table_logs_a_dash(self):
        resp = self.client.list_tables()
        line = self.wait_line(resp["ResponseMetadata"]["RequestId"])[0]
        self.assertIn(" ListTables - 200 ", line)


class FailureLines(LogTestCase):
    """At the default level (info) a successful request logs nothing, a failed one a warn line
    with the id the client saw (x-amzn-RequestId), DynamoDB's error type and its message."""

    def test_client_error_is_a_warn_line_with_type_and_message(self):
        table = random_name("missing")
        with self.assertRaises(ClientError) as cm:
            self.client.get_item(TableName=table, Key={"pk": {"S": "x"}})
        request_id = cm.exception.response["ResponseMetadata"]["RequestId"]
        line = self.wait_line(request_id)[0]
        self.assertRegex(line, rf" warning request {request_id} GetItem {table} 400 [0-9.]+ ms "
                               r"ResourceNotFoundException: Requested resource not found$")

    def test_successful_requests_log_nothing_at_info(self):
        table = self.create_table()
        resp = self.client.put_item(TableName=table, Item={"pk": {"S": "ok"}})
        self.client.get_item(TableName=table, Key={"pk": {"S": "ok"}})
        time.sleep(0.2)
        self.assertEqual(self.log_lines(contains=resp["ResponseMetadata"]["RequestId"]), [])
        self.assertEqual(self.log_lines(contains=" PutItem "), [])

    def test_unknown_operation_is_logged_with_its_name(self):
        resp = self.raw(b"{}", target="DynamoDB_20120810.NoSuchThing")
        self.assertEqual(resp.status, 400)
        line = self.wait_line(" NoSuchThing ")[0]
        self.assertIn("UnknownOperationException", line)


class LifecycleLines(LogTestCase):
    def test_table_lifecycle(self):
        table = self.create_table(range_key=("sk", "N"))
        self.assertIn(f"info table {table} created: key pk HASH, sk RANGE; PAY_PER_REQUEST",
                      self.wait_line(f"table {table} created")[0])
        self.client.update_continuous_backups(
            TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        self.wait_line(f"table {table}: point-in-time recovery on (35 days)")
        self.client.update_time_to_live(
            TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        self.wait_line(f"table {table}: Time to Live on attribute exp")
        self.client.update_table(
            TableName=table, AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexUpdates=[{"Create": {
                "IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}}])
        self.wait_line(f"table {table}: index byG added (CREATING)")
        self.wait_line("index byG CREATING (backfilling) -> ACTIVE")
        self.put_items(table, [{"pk": {"S": f"p{i}"}, "sk": {"N": str(i)}} for i in range(3)])
        self.client.delete_table(TableName=table)
        self.assertRegex(self.wait_line(f"table {table} deleted")[0],
                         rf"info table {table} deleted \(3 items, \d+ bytes\)$")

    def test_backup_lifecycle(self):
        table = self.create_table()
        arn = self.client.create_backup(TableName=table, BackupName="nightly")[
            "BackupDetails"]["BackupArn"]
        self.assertIn(f"backup {arn} of table {table} created (0 items",
                      self.wait_line(f"backup {arn}")[0])
        self.client.delete_backup(BackupArn=arn)
        self.wait_line(f"backup {arn} of table {table} deleted")

    def test_export_lifecycle_names_its_destination(self):
        table = self.create_table()
        self.enable_pitr(table)
        bucket = self.make_bucket()
        desc = self.export_and_wait(table, bucket, S3Prefix="nightly")
        arn = desc["ExportArn"]
        started = self.wait_line(f"export {arn} of table {table} started")[0]
        self.assertIn(f"FULL_EXPORT DYNAMODB_JSON to s3://{bucket}/nightly", started)
        done = self.wait_line(f"export {arn} COMPLETED")[0]
        self.assertIn(f"in s3://{bucket}/nightly/AWSDynamoDB/", done)

    def test_start_up_line_names_the_export_directory(self):
        self.assertTrue(self.log_lines("info", "exports and imports: directory "))


class OneServerPerDataDirectory(unittest.TestCase):
    def test_second_server_on_the_same_directory_stops_with_a_clear_message(self):
        first = TidelineServer().start()
        try:
            client = first.client()
            table = random_name()
            client.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
            client.put_item(TableName=table, Item={"pk": {"S": "kept"}})
            out = subprocess.run([BIN, "serve", "--port", str(free_port()), "--data-dir",
                                  first.data_dir], capture_output=True, text=True, timeout=30)
            self.assertEqual(out.returncode, 1, out.stderr)
            self.assertIn("another Tideline server is using the data directory "
                          f"{first.data_dir}: stop it, or start this one with another --data-dir",
                          out.stderr)
            self.assertNotIn("LOCK", out.stderr)  # RocksDB's own lock is never reached
            self.assertTrue(first.alive())
            item = client.get_item(TableName=table, Key={"pk": {"S": "kept"}}, ConsistentRead=True)
            self.assertEqual(item["Item"]["pk"]["S"], "kept")
        finally:
            first.stop()
            first.cleanup()


def shm_free_mib():
    """Free MiB of the tmpfs at /dev/shm (0 when there is none: --in-memory refuses to start)."""
    try:
        with open("/proc/mounts") as f:
            if not any(line.split()[1:3] == ["/dev/shm", "tmpfs"] for line in f):
                return 0
        st = os.statvfs("/dev/shm")
    except OSError:
        return 0
    return st.f_bavail * st.f_frsize >> 20


@unittest.skipIf(shm_free_mib() < 256, "--in-memory needs a tmpfs at /dev/shm with room")
class InMemory(unittest.TestCase):
    def start(self, cwd):
        log_path = os.path.join(cwd, "server.log")
        # free_port() only probes: another test's server may bind the port before this one
        # does, and this one then exits. Try another port then, as TidelineServer.start does.
        for _ in range(3):
            port = free_port()
            with open(log_path, "wb") as log:
                proc = subprocess.Popen([BIN, "serve", "--in-memory", "--port", str(port)],
                                        cwd=cwd, stderr=log, stdout=subprocess.DEVNULL,
                                        stdin=subprocess.DEVNULL)
            self.addCleanup(lambda proc=proc: proc.poll() is None and proc.kill())

            def started():
                with open(log_path) as f:
                    lines = [x for x in f.read().splitlines()
                             if f"listening on http://127.0.0.1:{port} " in x]
                return lines or (proc.poll() is not None and ["exited"])

            line = wait_for(started, what="the start-up line")[0]
            if line != "exited":
                break
        else:
            with open(log_path) as f:
                self.fail("--in-memory server did not start on three ports:\n" + f.read())
        directory = re.search(r"data dir (\S+) in memory", line).group(1)
        return proc, port, directory

    def client(self, port):
        server = TidelineServer()  # only for its client settings; never started
        server.port = port
        self.addCleanup(server.cleanup)
        return server.client()

    def test_in_memory_writes_nothing_to_disk_and_is_gone_at_exit(self):
        with tempfile.TemporaryDirectory() as cwd:
            proc, port, directory = self.start(cwd)
            self.assertTrue(directory.startswith("/dev/shm/tideline-in-memory-"), directory)
            self.assertTrue(os.path.isdir(directory))
            client = self.client(port)
            table = random_name()
            client.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
            client.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
            self.assertEqual(client.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]["v"],
                             {"N": "1"})
            self.assertEqual(sorted(os.listdir(cwd)), ["server.log"])  # no ./data
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=20), 0)
            self.assertFalse(os.path.exists(directory))

    def test_a_killed_servers_memory_is_freed_by_the_next_start(self):
        with tempfile.TemporaryDirectory() as cwd:
            proc, _, directory = self.start(cwd)
            proc.kill()
            proc.wait()
            self.assertTrue(os.path.isdir(directory))  # nobody could remove it yet
            second, _, other = self.start(cwd)
            self.assertNotEqual(other, directory)
            self.assertFalse(os.path.exists(directory))
            second.send_signal(signal.SIGTERM)
            self.assertEqual(second.wait(timeout=20), 0)

    def test_in_memory_and_data_dir_exclude_each_other(self):
        out = subprocess.run([BIN, "serve", "--in-memory", "--data-dir", "x"],
                             capture_output=True, text=True, timeout=30)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("excludes", out.stdout + out.stderr)
        self.assertEqual(glob.glob("/dev/shm/tideline-in-memory-*-x"), [])


class Help(unittest.TestCase):
    def test_serve_help_has_examples(self):
        out = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0)
        self.assertIn("Examples:", out.stdout)
        self.assertIn("tideline serve --in-memory", out.stdout)
        self.assertIn("--endpoint-url http://localhost:8000", out.stdout)


if __name__ == "__main__":
    unittest.main()
