"""Authentication (--credentials): SigV4 as boto3, the AWS CLI and the JS SDK v3 sign it, with
DynamoDB's errors for a wrong secret, an unknown key, no signature, a stale date, and presigned
requests (docs/security.md)."""

import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import time
import tempfile
import unittest
import urllib.parse
from unittest import mock

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import (BIN, CREDS, REGION, REPO, ServerTestCase, CliError, raw_request,
                     random_name, run_aws_cli)

OTHER_KEY = "AKIDTIDELINEOTHER"
OTHER_SECRET = "other/secret+key"
OTHER_ACCOUNT = "111122223333"

_CREDENTIALS_DIR = tempfile.mkdtemp(prefix="tideline-credentials-")
CREDENTIALS_FILE = os.path.join(_CREDENTIALS_DIR, "credentials")
with open(CREDENTIALS_FILE, "w") as f:
    f.write(f"""# the harness's own key, so its clients work
[default]
aws_access_key_id = {CREDS["AWS_ACCESS_KEY_ID"]}
aws_secret_access_key = {CREDS["AWS_SECRET_ACCESS_KEY"]}

[other]
aws_access_key_id = {OTHER_KEY}
aws_secret_access_key = {OTHER_SECRET}
account_id = {OTHER_ACCOUNT}
""")

WRONG_SECRET = {"AWS_ACCESS_KEY_ID": CREDS["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY": "wrong"}
UNKNOWN_KEY = {"AWS_ACCESS_KEY_ID": "AKIDNOBODY", "AWS_SECRET_ACCESS_KEY": "x"}

MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.")
UNRECOGNIZED = "The security token included in the request is invalid."
EXPIRED = re.compile(r"^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
                     r"\(\d{8}T\d{6}Z - 15 min\.\)$")

JS_CALL = os.path.join(REPO, "tools", "js-sdk", "call.js")
HAVE_JS_SDK = (shutil.which("node") is not None and
               os.path.isdir(os.path.join(REPO, "tools", "js-sdk", "node_modules",
                                          "@aws-sdk", "client-dynamodb")))


def tearDownModule():
    shutil.rmtree(_CREDENTIALS_DIR, ignore_errors=True)


def minutes_ago(n):
    """Makes botocore sign as if its clock were n minutes behind."""
    then = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - \
        datetime.timedelta(minutes=n)
    return mock.patch.object(botocore.auth, "get_current_datetime", return_value=then)


class AuthTestCase(ServerTestCase):
    SERVER_ARGS = ["--credentials", CREDENTIALS_FILE]

    def client_with(self, key, secret, region=REGION, **config):
        return boto3.client("dynamodb", endpoint_url=self.server.endpoint, region_name=region,
                            aws_access_key_id=key, aws_secret_access_key=secret,
                            config=Config(retries={"total_max_attempts": 1}, **config))

    def assertClientError(self, call, code, message=None, regex=None, prefix=None):
        with self.assertRaises(ClientError) as cm:
            call()
        error = cm.exception.response["Error"]
        self.assertEqual(error["Code"], code, error)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        if message is not None:
            self.assertEqual(error["Message"], message)
        if regex is not None:
            self.assertRegex(error["Message"], regex)
        if prefix is not None:
            self.assertTrue(error["Message"].startswith(prefix), error["Message"])
        return error["Message"]


class Boto3(AuthTestCase):

    def test_right_key(self):
        self.assertIn("TableNames", self.client_with(CREDS["AWS_ACCESS_KEY_ID"],
                                                     CREDS["AWS_SECRET_ACCESS_KEY"]).list_tables())

    # DynamoDB gives the canonical request and the string to sign it computed, so that a client
    # can see where its signing went wrong.
    def test_wrong_secret(self):
        message = self.assertClientError(
            self.client_with(CREDS["AWS_ACCESS_KEY_ID"], "wrong").list_tables,
            "InvalidSignatureException", prefix=MISMATCH)
        self.assertRegex(
            message,
            r"^[^\n]*\n\nThe Canonical String for this request should have been\n'POST\n/\n\n"
            r"(?s:.*)host:127\.0\.0\.1:\d+\n(?s:.*)\n[0-9a-f]{64}'\n\n"
            r"The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n"
            r"\d{8}/us-east-1/dynamodb/aws4_request\n[0-9a-f]{64}'\n$")

    def test_unknown_key(self):
        self.assertClientError(self.client_with("AKIDNOBODY", "x").list_tables,
                               "UnrecognizedClientException", UNRECOGNIZED)

    def test_no_authorization(self):
        self.assertClientError(
            self.client_with("k", "s", signature_version=UNSIGNED).list_tables,
            "MissingAuthenticationTokenException", "Request is missing Authentication Token")
        self.assertRawError(self.raw({}, sign=False), "MissingAuthenticationTokenException",
                            "Request is missing Authentication Token")

    # An unsigned request is refused on its head alone: the server answers before the client
    # has sent its (here 10 MB) body, so an unauthenticated client cannot make it hold bodies.
    def test_unsigned_large_body_is_refused_before_it_is_sent(self):
        import socket
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "X-Amz-Target: DynamoDB_20120810.ListTables\r\n"
                       "Content-Type: application/x-amz-json-1.0\r\n"
                       f"Content-Length: {10 * 1024 * 1024}\r\n\r\n").encode())
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                self.assertTrue(chunk, f"closed without an answer: {data!r}")
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            self.assertTrue(head.startswith(b"HTTP/1.1 400"), head)
            self.assertIn(b"connection: close", head.lower())
            while b"}" not in body:
                chunk = s.recv(65536)
                if not chunk:
                    break
                body += chunk
            self.assertEqual(json.loads(body)["message"], "Request is missing Authentication Token")

    def test_garbage_authorization(self):
        resp = self.raw({}, sign=False, headers={"Authorization": "Bearer abc"})
        self.assertRawError(resp, "MissingAuthenticationTokenException",
                            "Request is missing Authentication Token")
        resp = self.raw({}, sign=False, headers={"Authorization": "AWS4-"})
        self.assertRawError(
            resp, "IncompleteSignatureException",
            "Authorization header requires 'Credential' parameter. Authorization header "
            "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
            "parameter. Authorization header requires existence of either a 'X-Amz-Date' or a "
            "'Date' header. Authorization=AWS4-")

    def test_signed_20_minutes_ago(self):
        client = self.client_with(CREDS["AWS_ACCESS_KEY_ID"], CREDS["AWS_SECRET_ACCESS_KEY"])
        with minutes_ago(20):
            self.assertClientError(client.list_tables, "InvalidSignatureException",
                                   regex=EXPIRED)
        with minutes_ago(10):  # within the 15 minutes DynamoDB allows
            client.list_tables()

    def test_another_region(self):
        self.assertClientError(
            self.client_with(CREDS["AWS_ACCESS_KEY_ID"], CREDS["AWS_SECRET_ACCESS_KEY"],
                             region="eu-west-1").list_tables,
            "InvalidSignatureException",
            "Credential should be scoped to a valid region, not 'eu-west-1'.")

    # The signature covers the body as sent: the same headers with another body are refused.
    def test_body_is_signed(self):
        body = json.dumps({"Limit": 1}).encode()
        signed = raw_request(self.server.port, body, sign=True)
        self.assertEqual(signed.status, 200)
        from harness import sign_headers
        headers = sign_headers(f"127.0.0.1:{self.server.port}", body,
                               "DynamoDB_20120810.ListTables")
        resp = raw_request(self.server.port, json.dumps({"Limit": 2}).encode(), sign=False,
                           headers=headers)
        self.assertEqual(resp.status, 400)
        self.assertEqual(resp.json()["__type"].split("#")[1], "InvalidSignatureException")

    # account_id in a key's section is the account in the ARNs of that key's requests.
    def test_account_id_of_a_key(self):
        name = random_name()
        self.create_table(name=name)
        other = self.client_with(OTHER_KEY, OTHER_SECRET)
        arn = other.describe_table(TableName=name)["Table"]["TableArn"]
        self.assertEqual(arn, f"arn:aws:dynamodb:{REGION}:{OTHER_ACCOUNT}:table/{name}")
        arn = self.client.describe_table(TableName=name)["Table"]["TableArn"]
        self.assertEqual(arn, f"arn:aws:dynamodb:{REGION}:000000000000:table/{name}")

    # The health check needs no signature.
    def test_health_check_is_open(self):
        resp = self.raw(method="GET", sign=False)
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.body.decode(), f"healthy: 127.0.0.1:{self.server.port} ")


class KeepBodyQueryAuth(botocore.auth.SigV4QueryAuth):
    """botocore's SigV4QueryAuth, minus its move of the body into the query string (right for
    the query protocol, not for DynamoDB's JSON one): the JSON body stays and is signed."""

    def _modify_request_before_signing(self, request):
        data = request.data
        super()._modify_request_before_signing(request)
        request.data = data


class Presigned(AuthTestCase):
    """Query-string authentication as botocore's SigV4QueryAuth makes it (X-Amz-Algorithm,
    X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature in the
    query; the payload hash that of the body, as for any service but S3)."""

    def presigned(self, expires=300, secret=None, body=b"{}"):
        host = f"127.0.0.1:{self.server.port}"
        headers = {"Host": host, "Content-Type": "application/x-amz-json-1.0",
                   "X-Amz-Target": "DynamoDB_20120810.ListTables"}
        req = botocore.awsrequest.AWSRequest(method="POST", url=f"http://{host}/", data=b"{}",
                                             headers=headers)
        creds = botocore.credentials.Credentials(CREDS["AWS_ACCESS_KEY_ID"],
                                                 secret or CREDS["AWS_SECRET_ACCESS_KEY"])
        KeepBodyQueryAuth(creds, "dynamodb", REGION, expires=expires).add_auth(req)
        path = "/?" + urllib.parse.urlsplit(req.url).query
        return raw_request(self.server.port, body, target="DynamoDB_20120810.ListTables",
                           path=path, sign=False, headers=headers)

    def test_presigned_works(self):
        resp = self.presigned()
        self.assertEqual(resp.status, 200, resp)
        self.assertIn("TableNames", resp.json())

    def test_presigned_with_wrong_secret(self):
        resp = self.presigned(secret="wrong")
        self.assertEqual(resp.status, 400)
        self.assertEqual(resp.json()["__type"].split("#")[1], "InvalidSignatureException")
        self.assertIn("'POST\n/\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=",
                      resp.json()["message"])
        self.assertIn("\ncontent-type;host;x-amz-target\n", resp.json()["message"])

    # The body is signed in this form too.
    def test_presigned_body_is_signed(self):
        resp = self.presigned(body=b'{"Limit":1}')
        self.assertEqual(resp.status, 400)
        self.assertEqual(resp.json()["__type"].split("#")[1], "InvalidSignatureException")

    def test_presigned_expired(self):
        # Signed 10 minutes ago, valid for 5.
        with minutes_ago(10):
            resp = self.presigned(expires=300)
        self.assertRawError(resp, "InvalidSignatureException")
        self.assertRegex(resp.json()["message"],
                         r"^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
                         r"\(\d{8}T\d{6}Z - 5 min\.\)$")


class AwsCli(AuthTestCase):

    def test_right_key(self):
        self.assertIn("TableNames", run_aws_cli(self.server.endpoint, "list-tables"))

    def cli_error(self, *args, **kw):
        with self.assertRaises(CliError) as cm:
            run_aws_cli(self.server.endpoint, *args, **kw)
        return cm.exception.stderr

    def test_wrong_secret(self):
        stderr = self.cli_error("list-tables", creds=WRONG_SECRET)
        self.assertIn("(InvalidSignatureException) when calling the ListTables operation: "
                      + MISMATCH, stderr)

    def test_unknown_key(self):
        stderr = self.cli_error("list-tables", creds=UNKNOWN_KEY)
        self.assertIn("(UnrecognizedClientException) when calling the ListTables operation: "
                      + UNRECOGNIZED, stderr)

    def test_no_sign_request(self):
        stderr = self.cli_error("list-tables", "--no-sign-request")
        self.assertIn("(MissingAuthenticationTokenException) when calling the ListTables "
                      "operation: Request is missing Authentication Token", stderr)

    @unittest.skipUnless(shutil.which("faketime"), "faketime is not installed")
    def test_signed_20_minutes_ago(self):
        stderr = self.cli_error("list-tables", prefix=("faketime", "-f", "-20m"))
        self.assertRegex(stderr, r"\(InvalidSignatureException\) when calling the ListTables "
                                 r"operation: Signature expired: \d{8}T\d{6}Z is now earlier "
                                 r"than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)")


@unittest.skipUnless(HAVE_JS_SDK, "node or tools/js-sdk/node_modules missing "
                                  "(scripts/install-deps.sh installs them)")
class JsSdkV3(AuthTestCase):

    def call(self, key, secret, operation="ListTables", payload=None, clock_offset_ms=0):
        proc = subprocess.run(
            ["node", JS_CALL, self.server.endpoint, REGION, key, secret, operation,
             json.dumps(payload or {}), str(clock_offset_ms)],
            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def assertJsError(self, out, name, message=None, regex=None, prefix=None):
        self.assertFalse(out["ok"], out)
        self.assertEqual(out["name"], name, out)
        self.assertEqual(out["status"], 400, out)
        if message is not None:
            self.assertEqual(out["message"], message)
        if regex is not None:
            self.assertRegex(out["message"], regex)
        if prefix is not None:
            self.assertTrue(out["message"].startswith(prefix), out)

    def test_right_key(self):
        out = self.call(CREDS["AWS_ACCESS_KEY_ID"], CREDS["AWS_SECRET_ACCESS_KEY"])
        self.assertTrue(out["ok"], out)
        self.assertIn("TableNames", out["result"])

    def test_right_key_with_a_body(self):
        name = random_name()
        self.create_table(name=name)
        out = self.call(CREDS["AWS_ACCESS_KEY_ID"], CREDS["AWS_SECRET_ACCESS_KEY"], "PutItem",
                        {"TableName": name, "Item": {"pk": {"S": "héllo wörld"}}})
        self.assertTrue(out["ok"], out)

    def test_wrong_secret(self):
        self.assertJsError(self.call(CREDS["AWS_ACCESS_KEY_ID"], "wrong"),
                           "InvalidSignatureException", prefix=MISMATCH)

    def test_unknown_key(self):
        self.assertJsError(self.call("AKIDNOBODY", "x"), "UnrecognizedClientException",
                           UNRECOGNIZED)

    def test_signed_20_minutes_ago(self):
        self.assertJsError(self.call(CREDS["AWS_ACCESS_KEY_ID"], CREDS["AWS_SECRET_ACCESS_KEY"],
                                     clock_offset_ms=-20 * 60 * 1000),
                           "InvalidSignatureException", regex=EXPIRED)


class WithoutCredentials(ServerTestCase):
    """Without --credentials any signature is accepted (local development), and the log says
    so."""

    def test_any_signature_is_accepted(self):
        self.assertIn("TableNames", boto3.client(
            "dynamodb", endpoint_url=self.server.endpoint, region_name="eu-west-3",
            aws_access_key_id="anything", aws_secret_access_key="at all").list_tables())
        self.assertEqual(self.raw({}, sign=False).status, 200)

    def test_the_log_says_so(self):
        self.assertIn("authentication off", self.server.log_text())


class StartUp(unittest.TestCase):
    """What the log says at start (no traffic: the server is stopped as soon as it listens)."""

    def serve(self, *args):
        """Starts tideline with `args` on a free port; returns (exit code or None, stderr)."""
        tmp = tempfile.mkdtemp(prefix="tideline-startup-")
        self.addCleanup(shutil.rmtree, tmp, True)
        log_path = os.path.join(tmp, "log")
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([BIN, "serve", "--port", "0", "--data-dir",
                                     os.path.join(tmp, "data")] + list(args),
                                    stdout=subprocess.DEVNULL, stderr=log,
                                    stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        text = ""
        while time.monotonic() < deadline and proc.poll() is None:
            with open(log_path) as f:
                text = f.read()
            if "listening on" in text:
                break
            time.sleep(0.05)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
            code = None
        else:
            code = proc.returncode
        with open(log_path) as f:
            return code, f.read()

    # Beyond loopback, without --credentials anyone who can reach the port owns the data, and
    # without TLS anyone on the way reads it.
    def test_warns_when_listening_beyond_loopback_without_credentials(self):
        code, log = self.serve("--host", "0.0.0.0")
        self.assertIsNone(code, log)
        self.assertRegex(log, r"warn.*listening on 0\.0\.0\.0, which is not a loopback address, "
                              r"without --credentials or TLS")
        code, log = self.serve("--host", "0.0.0.0", "--credentials", CREDENTIALS_FILE)
        self.assertIsNone(code, log)
        self.assertIn("authentication on: 2 key(s)", log)
        self.assertIn("which is not a loopback address, without TLS", log)
        code, log = self.serve("--host", "127.0.0.1")
        self.assertNotIn("not a loopback address", log)
        self.assertIn("authentication off", log)

    def test_a_bad_credentials_file_stops_the_start(self):
        bad = os.path.join(_CREDENTIALS_DIR, "bad")
        with open(bad, "w") as f:
            f.write("[a]\naws_access_key_id = K\n")
        code, log = self.serve("--credentials", bad)
        self.assertEqual(code, 1, log)
        self.assertIn(f"{bad}:1: [a] has no aws_secret_access_key", log)


if __name__ == "__main__":
    unittest.main()
