"""End-to-end test harness: runs the real build/tideline and drives it like a client would.

Every test class that derives from ServerTestCase gets its own server, started in setUpClass on a
free port with a fresh temporary data directory, and stopped (SIGTERM) in tearDownClass. A test
reaches it through boto3 (self.client, self.resource), through the AWS CLI (self.aws(...)) or
through raw HTTP (self.raw(...)) when it needs bytes that no SDK would send.

Environment:
  TIDELINE_BIN    the server binary (default: <repo>/build/tideline)
  E2E_KEEP_DATA=1 keep the temporary data directories (and server logs) after the run

A sanitizer report (ASan, LSan, UBSan, TSan) in a server's log fails the test during which it
appeared, and cleanup() fails on any report left, so a sanitizer build cannot pass with one.
"""

import contextlib
import glob
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import time
import unittest
import uuid
import zlib

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
from botocore.config import Config
from botocore.exceptions import ClientError

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("TIDELINE_BIN") or os.path.join(REPO, "build", "tideline")
REGION = "us-east-1"
ACCOUNT = "000000000000"
# Every Tideline error, the protocol-level ones included, carries DynamoDB's namespace and a
# lowercase "message" (docs/wire-protocol.md). Real DynamoDB puts ValidationException,
# SerializationException and UnknownOperationException under Coral's namespaces instead; SDKs
# keep only the part after '#', so the difference shows only in raw bodies.
TYPE_PREFIX = "com.amazonaws.dynamodb.v20120810#"
# Where the harness's boto3 clients keep the raw body of an error answer (see keep_error_bodies).
ERROR_BODY_KEY = "TidelineErrorBody"
# DynamoDB refuses HTTP bodies larger than 16 MiB.
MAX_REQUEST_BYTES = 16 * 1024 * 1024
# 400 KB, counted the way DynamoDB counts item sizes.
MAX_ITEM_BYTES = 400 * 1024

# The first line of a report by AddressSanitizer, LeakSanitizer, ThreadSanitizer or UBSan.
SANITIZER_REPORT = re.compile(r"^(==\d+==ERROR: \w+Sanitizer|WARNING: ThreadSanitizer|"
                              r".*:\d+:\d+: runtime error: )", re.M)

# Debian's libfaketime (package faketime), whatever the architecture: TidelineServer(faketime=).
FAKETIME_LIB = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))),
                    "/usr/lib/faketime/libfaketimeMT.so.1")

# The harness's keys. A server started without --credentials accepts any signature; one started
# with a credentials file (test_authentication.py) knows these.
CREDS = {"AWS_ACCESS_KEY_ID": "AKIDTIDELINETEST", "AWS_SECRET_ACCESS_KEY": "tideline-secret"}


def error_type(name):
    """The exact __type Tideline sends for the error `name`."""
    return TYPE_PREFIX + name


def error_body_problems(body, name):
    """What keeps `body` (bytes or str) from being exactly the error body the wire contract
    prescribes for `name`: {"__type":"<TYPE_PREFIX><name>"[,<extra members>],"message":"<text>"},
    with a non-empty message and no other spelling of it. An empty list when it is."""
    try:
        pairs = json.loads(body, object_pairs_hook=lambda p: p)
    except ValueError as e:
        return [f"not JSON ({e}): {body[:300]!r}"]
    if not isinstance(pairs, list) or len(pairs) < 2:
        return [f"not an object with __type and message: {body[:300]!r}"]
    problems = []
    keys = [k for k, _ in pairs]
    if pairs[0] != ("__type", error_type(name)):
        problems.append(f"first member is {pairs[0]!r}, not ('__type', {error_type(name)!r})")
    if keys[-1] != "message":
        problems.append(f"last member is {keys[-1]!r}, not 'message'")
    elif not isinstance(pairs[-1][1], str) or not pairs[-1][1]:
        problems.append(f"message is {pairs[-1][1]!r}, not a non-empty string")
    if [k.lower() for k in keys].count("message") != 1 or keys.count("__type") != 1:
        problems.append(f"members {keys}: __type and message must each appear once")
    return problems


def keep_error_bodies(client):
    """Makes `client` keep the raw body of every error answer in the parsed response (under
    ERROR_BODY_KEY, hence in ClientError.response): botocore reads "message" and "Message" alike
    and drops the namespace, so only the bytes show whether the contract holds."""
    def keep(response_dict, customized_response_dict, **_):
        if response_dict.get("status_code", 200) >= 300:
            customized_response_dict[ERROR_BODY_KEY] = response_dict.get("body")
    client.meta.events.register(
        "before-parse." + client.meta.service_model.service_id.hyphenize(), keep)
    return client


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_file_atomically(path, text):
    """Writes `text` to `path` so that a reader sees either no file or all of it: the server polls
    --testing-fault-file, and an empty trigger (between open() and write()) means EIO there."""
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def random_name(prefix="tl"):
    return prefix + "_" + "".join(random.choices(string.ascii_lowercase + string.digits, k=10))


class ServerError(Exception):
    pass


class TidelineServer:
    """One tideline process on 127.0.0.1:<free port>, over a data directory that outlives
    restarts."""

    def __init__(self, data_dir=None, extra_args=(), region=REGION, account_id=ACCOUNT,
                 faketime=None):
        # faketime: the server's wall clock offset, e.g. "-2h" (libfaketime preloaded into the
        # server; monotonic clocks stay real). Settable between restarts; storage's commit clock
        # never goes back, so only ever move it forward.
        self.faketime = faketime
        self.tmp = tempfile.mkdtemp(prefix="tideline-e2e-")
        self.data_dir = data_dir or os.path.join(self.tmp, "data")
        self.extra_args = list(extra_args)
        self.region = region
        self.account_id = account_id
        self.proc = None
        self.port = None
        self.log_path = os.path.join(self.tmp, "server.log")
        self.stdout_path = os.path.join(self.tmp, "server.stdout")
        self.starts = 0

    # --- lifecycle -------------------------------------------------------------------------

    def command(self, port):
        return [BIN, "serve", "--host", "127.0.0.1", "--port", str(port),
                "--data-dir", self.data_dir, "--region", self.region,
                "--account-id", self.account_id] + self.extra_args

    def start(self, timeout=30):
        if not os.access(BIN, os.X_OK):
            raise ServerError(f"server binary {BIN} not found; build it first (scripts/test.sh)")
        # A free port can be taken by someone else between our probe and the server's bind;
        # try a few ports before giving up.
        last = ""
        for _ in range(3):
            self.port = free_port()
            self.starts += 1
            log = open(self.log_path, "ab")
            self._start_offset = log.tell()
            cmd = " ".join(self.command(self.port))
            log.write(f"\n[harness] start #{self.starts}: {cmd}\n".encode())
            log.flush()
            out = open(self.stdout_path, "ab")
            env = None
            if self.faketime:
                env = dict(os.environ, LD_PRELOAD=FAKETIME_LIB, FAKETIME=self.faketime,
                           FAKETIME_DONT_FAKE_MONOTONIC="1")
                # An ASan build refuses to start with a library preloaded before its runtime;
                # libfaketime only wraps the clock calls, so the order does not matter here.
                asan = env.get("ASAN_OPTIONS", "")
                env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "verify_asan_link_order=0"
            self.proc = subprocess.Popen(self.command(self.port), stdout=out, stderr=log,
                                         stdin=subprocess.DEVNULL, env=env)
            log.close()
            out.close()
            if self._wait_healthy(timeout):
                return self
            last = self.log_tail()
            self._reap()
        raise ServerError(f"tideline did not become healthy on 127.0.0.1:{self.port}\n{last}")

    def _wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/")
                if conn.getresponse().status == 200 and self._listening_line_logged():
                    conn.close()
                    return True
                conn.close()
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def _listening_line_logged(self):
        """Whether this start's log says it listens on self.port. An answer on the port alone
        could come from another test's server that took the port between free_port() and our
        bind (our server then exits with EADDRINUSE and start() tries another port)."""
        with open(self.log_path, "rb") as f:
            f.seek(self._start_offset)
            return f"listening on http://127.0.0.1:{self.port} ".encode() in f.read()

    def _reap(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Sends `sig` and waits; returns the exit code. Kills -9 and raises if it hangs."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise ServerError(f"tideline did not exit within {timeout}s of signal {sig}")
        return self.proc.returncode

    def kill9(self):
        """SIGKILL: no chance to flush anything that was not already durable."""
        self.proc.kill()
        self.proc.wait()
        return self.proc.returncode

    def restart(self):
        if self.alive():
            self.stop()
        return self.start()

    def cleanup(self):
        with contextlib.suppress(Exception):
            self._reap()
        report = self.sanitizer_report()
        if os.environ.get("E2E_KEEP_DATA") != "1":
            shutil.rmtree(self.tmp, ignore_errors=True)
        if report:
            raise ServerError("sanitizer report in the tideline log:\n" + report)

    # --- diagnostics -----------------------------------------------------------------------

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stdout_text(self):
        try:
            with open(self.stdout_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def sanitizer_report(self, start=0):
        """The first sanitizer report in the log after offset `start` (80 lines), or ""."""
        text = self.log_text()
        m = SANITIZER_REPORT.search(text, start)
        return "\n".join(text[m.start():].splitlines()[:80]) if m else ""

    def log_tail(self, lines=40):
        return "\n".join(self.log_text().splitlines()[-lines:])

    # --- clients ---------------------------------------------------------------------------

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def _config(self, **kw):
        # No retries: a test must see the first answer; short timeouts so a hung server fails
        # the test instead of the run.
        return Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=60, **kw)

    def client(self, validate=True):
        """boto3 low-level client. validate=False turns off botocore's own parameter checks so
        that invalid requests reach the server."""
        return keep_error_bodies(
            boto3.client("dynamodb", endpoint_url=self.endpoint, region_name=REGION,
                         aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                         aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"],
                         config=self._config(parameter_validation=validate)))

    def streams_client(self, validate=True):
        """boto3 DynamoDB Streams client (the same endpoint: Tideline serves both APIs)."""
        return keep_error_bodies(
            boto3.client("dynamodbstreams", endpoint_url=self.endpoint, region_name=REGION,
                         aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                         aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"],
                         config=self._config(parameter_validation=validate)))

    def resource(self):
        resource = boto3.resource("dynamodb", endpoint_url=self.endpoint, region_name=REGION,
                                  aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                                  aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"],
                                  config=self._config())
        keep_error_bodies(resource.meta.client)
        return resource


class RawResponse:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-cased names
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<HTTP {self.status} {self.body[:300]!r}>"


def sign_headers(host, body, target):
    """Headers of a properly SigV4-signed DynamoDB request (what any SDK sends)."""
    headers = {"Content-Type": "application/x-amz-json-1.0", "Host": host}
    if target is not None:
        headers["X-Amz-Target"] = target
    req = botocore.awsrequest.AWSRequest(method="POST", url=f"http://{host}/", data=body,
                                         headers=headers)
    creds = botocore.credentials.Credentials(CREDS["AWS_ACCESS_KEY_ID"],
                                             CREDS["AWS_SECRET_ACCESS_KEY"])
    botocore.auth.SigV4Auth(creds, "dynamodb", REGION).add_auth(req)
    return dict(req.headers.items())


def raw_request(port, body=b"", target="DynamoDB_20120810.ListTables", method="POST",
                path="/", headers=None, sign=True, timeout=30, conn=None):
    """One HTTP request with exactly these bytes. `target=None` omits X-Amz-Target; `headers`
    override or add (a value of None removes a header). Returns a RawResponse."""
    if isinstance(body, str):
        body = body.encode()
    host = f"127.0.0.1:{port}"
    if sign and method == "POST":
        hdrs = sign_headers(host, body, target)
    else:
        hdrs = {"Host": host}
        if method == "POST":
            hdrs["Content-Type"] = "application/x-amz-json-1.0"
            if target is not None:
                hdrs["X-Amz-Target"] = target
    for k, v in (headers or {}).items():
        for existing in [e for e in hdrs if e.lower() == k.lower()]:
            del hdrs[existing]
        if v is not None:
            hdrs[k] = v
    own = conn is None
    if own:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body if method == "POST" else None, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        return RawResponse(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        if own:
            conn.close()


class CliError(Exception):
    def __init__(self, returncode, stdout, stderr):
        super().__init__(f"aws exited {returncode}: {stderr.strip()[-2000:]}")
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def run_aws_cli(endpoint, *args, check=True, timeout=120, creds=None, prefix=()):
    """Runs `aws --endpoint-url <endpoint> dynamodb <args>`; returns its parsed JSON output
    (None when it prints nothing). Raises CliError on a non-zero exit when check is set.
    `creds` replaces the harness's keys; `prefix` goes before `aws` (e.g. faketime)."""
    env = dict(os.environ)
    env.update(creds or CREDS)
    env.update({"AWS_DEFAULT_REGION": REGION, "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1",
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
    env.pop("AWS_PROFILE", None)
    cmd = list(prefix) + ["aws", "--endpoint-url", endpoint, "--region", REGION, "--output", "json",
           "dynamodb"] + list(args)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        if check:
            raise CliError(proc.returncode, proc.stdout, proc.stderr)
        return proc
    return json.loads(proc.stdout) if proc.stdout.strip() else None


class ServerTestCase(unittest.TestCase):
    """A test class with its own running server. Subclasses may set SERVER_ARGS."""

    SERVER_ARGS = ()
    server = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = TidelineServer(extra_args=cls.SERVER_ARGS).start()
        cls._make_clients()
        try:
            cls._create_class_tables()
        except BaseException:
            cls.server.stop()
            cls.server.cleanup()
            raise

    @classmethod
    def _make_clients(cls):
        cls.client = cls.server.client()
        cls.raw_client = cls.server.client(validate=False)
        cls.resource = cls.server.resource()

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            try:
                if cls.server.alive():
                    rc = cls.server.stop()
                    if rc != 0:
                        raise ServerError(f"tideline exited {rc} on SIGTERM\n"
                                          f"{cls.server.log_tail()}")
            finally:
                cls.server.cleanup()
        super().tearDownClass()

    def start_again(self):
        """Starts the (stopped or killed) server again on its data dir and renews the clients,
        since it comes back on a new port."""
        self.server.start()
        type(self)._make_clients()

    def restart_server(self, kill=False):
        """SIGTERM (which must exit 0) or SIGKILL, then start again on the same data dir."""
        if kill:
            self.server.kill9()
        else:
            self.assertEqual(self.server.stop(), 0, self.server.log_tail())
        self.start_again()

    def tearDown(self):
        if not self.server:
            return
        # A sanitizer report that appeared during this test fails it (cleanup() fails the class
        # too).
        seen = getattr(self.server, "reports_checked_to", 0)
        self.server.reports_checked_to = len(self.server.log_text())
        report = self.server.sanitizer_report(seen)
        # A server that died during a test is a failure of that test, with its log attached.
        # Restart it so that the rest of the class still runs.
        if not self.server.alive():
            rc = self.server.proc.returncode
            tail = report or self.server.log_tail()
            self.start_again()
            self.fail(f"tideline died during this test (exit {rc}); log tail:\n{tail}")
        if report:
            self.fail("sanitizer report in the tideline log:\n" + report)

    # --- tables ----------------------------------------------------------------------------

    # Tables made once per class: {attribute: (hash_key, range_key)}, e.g.
    # {"range_table": (("pk", "S"), ("sk", "N"))} makes cls.range_table the name of such a table.
    TABLES = {}

    @classmethod
    def _create_class_tables(cls):
        for attr, (hash_key, range_key) in cls.TABLES.items():
            setattr(cls, attr, cls.create_table(hash_key, range_key))

    @classmethod
    def create_table(cls, hash_key=("pk", "S"), range_key=None, name=None, wait=True, **kw):
        """Creates a PAY_PER_REQUEST table (unless kw says otherwise) and returns its name."""
        name = name or random_name()
        schema = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
        defs = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
        if range_key:
            schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
            defs.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
        if "ProvisionedThroughput" not in kw:
            kw.setdefault("BillingMode", "PAY_PER_REQUEST")
        cls.client.create_table(TableName=name, KeySchema=schema, AttributeDefinitions=defs,
                                **kw)
        if wait:
            cls.wait_active(name)
        return name

    @classmethod
    def wait_active(cls, name, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            status = cls.client.describe_table(TableName=name)["Table"]["TableStatus"]
            if status == "ACTIVE":
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"table {name} still {status} after {timeout}s")
            time.sleep(0.1)

    @classmethod
    def wait_table_and_indexes_active(cls, name, timeout=30):
        """Waits until table `name` and every one of its GSIs is ACTIVE (as the JS suites'
        waitForTableAndIndexes): after a GSI throughput change the index is UPDATING for a
        moment, and DynamoDB refuses the next change until then."""
        deadline = time.monotonic() + timeout
        while True:
            desc = cls.client.describe_table(TableName=name)["Table"]
            statuses = (desc["TableStatus"], {i["IndexName"]: i["IndexStatus"]
                                              for i in desc.get("GlobalSecondaryIndexes", [])})
            if statuses[0] == "ACTIVE" and set(statuses[1].values()) <= {"ACTIVE"}:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"table {name} not ACTIVE after {timeout}s: {statuses}")
            time.sleep(0.1)

    @classmethod
    def put_items(cls, table, items):
        """Writes low-level items (e.g. {"pk": {"S": "a"}}) with BatchWriteItem, 25 at a time."""
        for i in range(0, len(items), 25):
            req = {table: [{"PutRequest": {"Item": it}} for it in items[i:i + 25]]}
            while req:
                req = cls.client.batch_write_item(RequestItems=req)["UnprocessedItems"]

    # --- assertions ------------------------------------------------------------------------

    @contextlib.contextmanager
    def assertApiError(self, code, message=None, contains=None, regex=None, status=400):
        """Expects the block to raise botocore's ClientError with this error code (the part of
        __type after '#'), HTTP status and, if given, exact message / substring / regex. The
        raw body must be exactly the contract's (assertErrorBody), so the block must use a client
        of the harness (self.client, self.raw_client, self.resource, self.server.client())."""
        with self.assertRaises(ClientError) as cm:
            yield cm
        err = cm.exception.response.get("Error", {})
        meta = cm.exception.response.get("ResponseMetadata", {})
        self.assertEqual(err.get("Code"), code,
                         f"wrong error code; message: {err.get('Message')!r}")
        self.assertEqual(meta.get("HTTPStatusCode"), status)
        self.assertIn(ERROR_BODY_KEY, cm.exception.response,
                      "the error came from a client the harness did not make (keep_error_bodies)")
        self.assertErrorBody(cm.exception.response[ERROR_BODY_KEY], code)
        msg = err.get("Message")
        if message is not None:
            self.assertEqual(msg, message)
        if contains is not None:
            for part in ([contains] if isinstance(contains, str) else contains):
                self.assertIn(part, msg or "")
        if regex is not None:
            self.assertRegex(msg or "", regex)

    def assertValidation(self, message=None, contains=None, regex=None):
        return self.assertApiError("ValidationException", message, contains, regex)

    def assertNotFound(self, message="Requested resource not found"):
        return self.assertApiError("ResourceNotFoundException", message)

    def assertConditionalFailed(self):
        return self.assertApiError("ConditionalCheckFailedException",
                                   "The conditional request failed")

    def assertErrorBody(self, body, name):
        """`body` is exactly the contract's error body for `name` (see error_body_problems)."""
        problems = error_body_problems(body, name)
        self.assertEqual(problems, [], body)

    def assertRawError(self, resp, name, message=None, status=400):
        """A raw HTTP answer is exactly the contract's error for `name`: status, body (with the
        exact message if given), x-amz-crc32 and a request id."""
        self.assertEqual(resp.status, status, resp)
        self.assertErrorBody(resp.body, name)
        if message is not None:
            self.assertEqual(resp.json()["message"], message)
        self.assertEqual(resp.headers.get("x-amz-crc32"), str(zlib.crc32(resp.body)))
        self.assertTrue(resp.headers.get("x-amzn-requestid"))

    # --- other channels --------------------------------------------------------------------

    def raw(self, body=b"", target="DynamoDB_20120810.ListTables", **kw):
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        return raw_request(self.server.port, body, target, **kw)

    def raw_op(self, operation, payload, **kw):
        return self.raw(payload, "DynamoDB_20120810." + operation, **kw)

    def aws(self, *args, check=True):
        return run_aws_cli(self.server.endpoint, *args, check=check)


def new_uuid_like(value):
    """True if `value` is a UUID in its canonical 8-4-4-4-12 text form."""
    try:
        return str(uuid.UUID(value)) == value.lower()
    except (ValueError, AttributeError, TypeError):
        return False
