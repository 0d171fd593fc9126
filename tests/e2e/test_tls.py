"""HTTPS: --tls-cert / --tls-key (docs/http-limits.md).

Each class makes a self-signed certificate for 127.0.0.1 with `openssl req`, starts the server
with it, and talks to it the way users do: boto3 verifying the certificate, the AWS CLI with
--ca-bundle, and raw clients.
"""

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import SSLError

from harness import BIN, CREDS, REGION, TidelineServer, free_port, random_name, run_aws_cli


def make_certificate(directory, name="server"):
    """A self-signed certificate for 127.0.0.1 and localhost; returns (cert, key) paths."""
    cert = os.path.join(directory, name + ".pem")
    key = os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert,
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, stdin=subprocess.DEVNULL)
    return cert, key


class TlsServer(TidelineServer):
    """A TidelineServer that speaks HTTPS with `cert`, checked by its health probe."""

    def __init__(self, cert, key, extra_args=()):
        super().__init__(extra_args=["--tls-cert", cert, "--tls-key", key] + list(extra_args))
        self.cert = cert

    @property
    def endpoint(self):
        return f"https://127.0.0.1:{self.port}"

    def ssl_context(self):
        return ssl.create_default_context(cafile=self.cert)

    def _wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=2,
                                                   context=self.ssl_context())
                conn.request("GET", "/")
                ok = conn.getresponse().status == 200
                conn.close()
                if ok:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def client(self, validate=True):
        return boto3.client("dynamodb", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"],
                            verify=self.cert, config=self._config())


class Https(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tideline-tls-")
        cls.cert, cls.key = make_certificate(cls.tmp)
        cls.server = TlsServer(cls.cert, cls.key).start()
        cls.client = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        try:
            rc = cls.server.stop()
            assert rc == 0, f"tideline exited {rc} on SIGTERM\n{cls.server.log_tail()}"
        finally:
            cls.server.cleanup()
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def tearDown(self):
        self.assertTrue(self.server.alive(), self.server.log_tail())

    # boto3, verifying the server's certificate, does the usual round trip over HTTPS.
    def test_boto3_over_https(self):
        table = random_name()
        self.client.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                                 KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                                 AttributeDefinitions=[{"AttributeName": "pk",
                                                        "AttributeType": "S"}])
        big = "z" * 200_000  # several TLS records each way
        self.client.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"S": big}})
        got = self.client.get_item(TableName=table, Key={"pk": {"S": "a"}}, ConsistentRead=True)
        self.assertEqual(got["Item"]["v"]["S"], big)
        self.assertIn(table, self.client.list_tables()["TableNames"])

    # The AWS CLI with --ca-bundle.
    def test_aws_cli_over_https(self):
        out = run_aws_cli(self.server.endpoint, "list-tables", "--ca-bundle", self.cert)
        self.assertIn("TableNames", out)

    # A client that does not trust the certificate refuses the connection: it is real TLS.
    def test_an_untrusted_certificate_is_refused_by_the_client(self):
        other_cert, _ = make_certificate(self.tmp, "other")
        client = boto3.client("dynamodb", endpoint_url=self.server.endpoint, region_name=REGION,
                              aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"],
                              verify=other_cert, config=Config(retries={"total_max_attempts": 1}))
        with self.assertRaises(SSLError):
            client.list_tables()

    # Plain HTTP sent to the HTTPS port fails at once and cleanly on the client's side, and the
    # server goes on serving.
    def test_plain_http_to_the_tls_port_fails_cleanly(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        start = time.monotonic()
        with self.assertRaises((http.client.HTTPException, ConnectionError)):
            conn.request("POST", "/", body=b"{}",
                         headers={"X-Amz-Target": "DynamoDB_20120810.ListTables",
                                  "Content-Type": "application/x-amz-json-1.0"})
            conn.getresponse()
        conn.close()
        self.assertLess(time.monotonic() - start, 5)
        # Garbage, a bare close and a half handshake do no harm either.
        for payload in (b"\x16\x03\x01\x00\x05hello", b"", b"\x00" * 1000):
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
                s.sendall(payload)
        self.assertIn("TableNames", self.client.list_tables())

    # Connections are kept alive under TLS as in clear text.
    def test_many_requests_on_one_connection(self):
        conn = http.client.HTTPSConnection("127.0.0.1", self.server.port, timeout=5,
                                           context=self.server.ssl_context())
        try:
            for _ in range(20):
                conn.request("GET", "/")
                resp = conn.getresponse()
                resp.read()
                self.assertEqual(resp.status, 200)
        finally:
            conn.close()


class StartUp(unittest.TestCase):
    """A certificate or key that cannot be used stops the start with a clear message."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tideline-tls-")
        cls.cert, cls.key = make_certificate(cls.tmp)
        cls.other_cert, cls.other_key = make_certificate(cls.tmp, "other")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def start(self, *args, host="127.0.0.1", wait_for=None):
        """Runs `tideline serve` with `args`; returns (exit code or None, stderr text). A server
        that should start (`wait_for`) but finds its probed port taken by another test's server
        meanwhile is started again on another port."""
        for _ in range(3):
            rc, err = self.start_once(*args, host=host, wait_for=wait_for)
            if wait_for is None or wait_for in err or "cannot listen on" not in err:
                break
        return rc, err

    def start_once(self, *args, host, wait_for):
        data = tempfile.mkdtemp(dir=self.tmp)
        proc = subprocess.Popen([BIN, "serve", "--host", host, "--port", str(free_port()),
                                 "--data-dir", data] + list(args),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True)
        if wait_for is None:
            try:
                _, err = proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
                return None, err
            return proc.returncode, err
        # A server that starts: read its log until `wait_for` shows, then stop it.
        lines = []
        deadline = time.monotonic() + 20
        for line in proc.stderr:
            lines.append(line)
            if wait_for in line or time.monotonic() > deadline:
                break
        proc.terminate()
        _, err = proc.communicate(timeout=20)
        return proc.returncode, "".join(lines) + err

    def unreadable(self):
        path = os.path.join(self.tmp, "unreadable.pem")
        shutil.copy(self.cert, path)
        os.chmod(path, 0)
        return path

    def test_mismatched_key(self):
        rc, err = self.start("--tls-cert", self.cert, "--tls-key", self.other_key)
        self.assertEqual(rc, 1, err)
        self.assertIn(f"does not match the certificate {self.cert}", err)

    def test_a_key_that_is_not_a_key(self):
        rc, err = self.start("--tls-cert", self.cert, "--tls-key", self.cert)
        self.assertEqual(rc, 1, err)
        self.assertIn(f"cannot use {self.cert} as the private key", err)

    def test_a_certificate_that_is_not_a_certificate(self):
        rc, err = self.start("--tls-cert", self.key, "--tls-key", self.key)
        self.assertEqual(rc, 1, err)
        self.assertIn(f"cannot use {self.key} as a TLS certificate chain", err)

    def test_missing_files(self):
        missing = os.path.join(self.tmp, "missing.pem")
        rc, err = self.start("--tls-cert", missing, "--tls-key", self.key)
        self.assertNotEqual(rc, 0, err)
        self.assertIn("missing.pem", err)
        rc, err = self.start("--tls-cert", self.cert)
        self.assertNotEqual(rc, 0, err)
        self.assertIn("--tls-key", err)

    @unittest.skipIf(os.geteuid() == 0, "root reads files whatever their mode")
    def test_unreadable_file(self):
        rc, err = self.start("--tls-cert", self.unreadable(), "--tls-key", self.key)
        self.assertEqual(rc, 1, err)
        self.assertIn("cannot read", err)

    # Serving a non-loopback address in clear text is worth a warning; over TLS it is not.
    # (The server binds the wildcard address for a moment; no traffic is sent to it.)
    def test_warning_without_tls_on_a_non_loopback_address(self):
        rc, err = self.start(host="0.0.0.0", wait_for="listening on")
        self.assertIn("without TLS", err)
        rc, err = self.start("--tls-cert", self.cert, "--tls-key", self.key, host="0.0.0.0",
                             wait_for="listening on")
        self.assertIn("listening on https://", err)
        self.assertNotIn("without TLS", err)
        rc, err = self.start(wait_for="listening on")
        self.assertNotIn("without TLS", err)


if __name__ == "__main__":
    unittest.main()
