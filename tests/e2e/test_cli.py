"""The command line: --help, --version, flags, logging to stderr, clean shutdown; and a full
round trip through the AWS CLI."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from harness import BIN, REPO, ServerTestCase, TidelineServer, random_name


def run(*args, timeout=30):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def project_version():
    with open(os.path.join(REPO, "CMakeLists.txt")) as f:
        return re.search(r"project\(\s*tideline\s+VERSION\s+([0-9.]+)", f.read()).group(1)


class CommandLine(unittest.TestCase):

    def test_help(self):
        out = run("--help")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("serve", out.stdout + out.stderr)

    def test_serve_help_lists_the_flags(self):
        out = run("serve", "--help")
        self.assertEqual(out.returncode, 0, out.stderr)
        text = out.stdout + out.stderr
        for flag in ("--host", "--port", "--data-dir", "--region", "--account-id"):
            self.assertIn(flag, text)

    def test_version(self):
        out = run("--version")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(project_version(), out.stdout + out.stderr)

    def test_unknown_flag_is_an_error(self):
        out = run("serve", "--no-such-flag")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("no-such-flag", out.stdout + out.stderr)

    def test_invalid_port_is_an_error(self):
        out = run("serve", "--port", "notaport")
        self.assertNotEqual(out.returncode, 0)

    # A port that is taken makes the server exit with an error instead of serving nothing.
    def test_port_in_use(self):
        with socket.socket() as s, tempfile.TemporaryDirectory() as tmp:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            out = run("serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir",
                      os.path.join(tmp, "d"))
            self.assertNotEqual(out.returncode, 0)
            self.assertTrue(out.stderr.strip())


class Lifecycle(unittest.TestCase):

    def setUp(self):
        self.server = TidelineServer()
        self.addCleanup(self.server.cleanup)

    def test_sigterm_exits_cleanly(self):
        self.server.start()
        start = time.monotonic()
        self.assertEqual(self.server.stop(signal.SIGTERM), 0, self.server.log_tail())
        self.assertLess(time.monotonic() - start, 10)

    def test_sigint_exits_cleanly(self):
        self.server.start()
        self.assertEqual(self.server.stop(signal.SIGINT), 0, self.server.log_tail())

    # Idle keep-alive connections must not hold up a shutdown.
    def test_sigterm_with_an_open_connection(self):
        self.server.start()
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        conn.request("GET", "/")
        conn.getresponse().read()
        try:
            start = time.monotonic()
            self.assertEqual(self.server.stop(signal.SIGTERM), 0)
            self.assertLess(time.monotonic() - start, 10)
        finally:
            conn.close()

    # Logs go to stderr; stdout stays empty.
    def test_logs_go_to_stderr(self):
        self.server.start()
        self.server.client().list_tables()
        self.server.stop()
        self.assertEqual(self.server.stdout_text(), "")
        self.assertTrue(self.server.log_text().strip())

    def test_data_dir_is_created(self):
        self.server.data_dir = os.path.join(self.server.tmp, "a", "b", "c")
        self.server.start()
        self.server.client().list_tables()
        self.assertTrue(os.path.isdir(self.server.data_dir))

    # --region and --account-id shape every ARN.
    def test_region_and_account_id(self):
        server = TidelineServer(region="eu-west-1", account_id="123456789012")
        self.addCleanup(server.cleanup)
        server.start()
        client = server.client()
        name = random_name()
        client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        arn = client.describe_table(TableName=name)["Table"]["TableArn"]
        self.assertEqual(arn, f"arn:aws:dynamodb:eu-west-1:123456789012:table/{name}")
        server.stop()


class AwsCli(ServerTestCase):

    # The same life of a table, entirely through `aws dynamodb`.
    def test_round_trip(self):
        name = random_name()
        out = self.aws("create-table", "--table-name", name,
                       "--attribute-definitions", "AttributeName=pk,AttributeType=S",
                       "AttributeName=sk,AttributeType=N",
                       "--key-schema", "AttributeName=pk,KeyType=HASH",
                       "AttributeName=sk,KeyType=RANGE", "--billing-mode", "PAY_PER_REQUEST")
        self.assertEqual(out["TableDescription"]["TableName"], name)
        self.aws("wait", "table-exists", "--table-name", name)
        self.assertIn(name, self.aws("list-tables")["TableNames"])
        desc = self.aws("describe-table", "--table-name", name)["Table"]
        self.assertEqual(desc["TableStatus"], "ACTIVE")
        for i in range(5):
            self.aws("put-item", "--table-name", name, "--item",
                     json.dumps({"pk": {"S": "k"}, "sk": {"N": str(i)}, "v": {"S": f"v{i}"}}))
        got = self.aws("get-item", "--table-name", name, "--key",
                       '{"pk": {"S": "k"}, "sk": {"N": "3"}}')
        self.assertEqual(got["Item"]["v"], {"S": "v3"})
        upd = self.aws("update-item", "--table-name", name, "--key",
                       '{"pk": {"S": "k"}, "sk": {"N": "3"}}', "--update-expression",
                       "SET v = :v", "--expression-attribute-values", '{":v": {"S": "new"}}',
                       "--return-values", "ALL_NEW")
        self.assertEqual(upd["Attributes"]["v"], {"S": "new"})
        q = self.aws("query", "--table-name", name, "--key-condition-expression",
                     "pk = :p AND sk >= :s", "--expression-attribute-values",
                     '{":p": {"S": "k"}, ":s": {"N": "2"}}', "--no-scan-index-forward")
        self.assertEqual([i["sk"]["N"] for i in q["Items"]], ["4", "3", "2"])
        self.aws("delete-item", "--table-name", name, "--key",
                 '{"pk": {"S": "k"}, "sk": {"N": "0"}}')
        self.assertEqual(self.aws("scan", "--table-name", name, "--select", "COUNT")["Count"], 4)
        self.aws("update-table", "--table-name", name, "--billing-mode", "PROVISIONED",
                 "--provisioned-throughput", "ReadCapacityUnits=2,WriteCapacityUnits=2")
        self.aws("delete-table", "--table-name", name)
        self.aws("wait", "table-not-exists", "--table-name", name)

    # CLI errors carry DynamoDB's error name and message.
    def test_cli_error(self):
        name = random_name()
        proc = self.aws("describe-table", "--table-name", name, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("ResourceNotFoundException", proc.stderr)
        self.assertIn(f"Requested resource not found: Table: {name} not found", proc.stderr)
