"""The HTTP transport under load and abuse, and content codings (docs/http-limits.md).

Slow clients, many connections, large bodies: the server stays up, keeps serving a well-behaved
client quickly, sheds what does not fit with DynamoDB's ThrottlingException (which SDKs retry),
and its memory stays under a stated bound and falls back afterwards. Request bodies may be gzip
or deflate encoded; responses are compressed when the client accepts it, as DynamoDB does.

Sizes are small enough for CI: each test sends at most a few hundred MB over loopback and runs
in seconds. All traffic goes to 127.0.0.1.
"""

import contextlib
import gzip
import http.client
import json
import resource
import select
import socket
import statistics
import threading
import time
import zlib

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import (CREDS, REGION, ServerTestCase, random_name, raw_request, sign_headers)

MB = 1024 * 1024


def rss_mb(pid):
    """Resident set size of process `pid`, in MiB, from /proc/<pid>/status."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def signed_head(port, body, target="DynamoDB_20120810.ListTables", extra=None):
    """The bytes of a signed request's head (request line and headers) for `body`."""
    headers = sign_headers(f"127.0.0.1:{port}", body, target)
    headers.update(extra or {})
    headers["Content-Length"] = str(len(body))
    lines = ["POST / HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_response(sock):
    """Reads one HTTP response from `sock`: (status, {lower-case header: value}, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a response head: {data[:200]!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), headers, body


def closed_within(sock, seconds):
    """Seconds until the server closes `sock` (EOF or reset), or None if it stays open."""
    start = time.monotonic()
    sock.settimeout(seconds)
    try:
        while True:
            if not sock.recv(4096):
                return time.monotonic() - start
    except (ConnectionResetError, BrokenPipeError):
        return time.monotonic() - start
    except socket.timeout:
        return None


class Prober:
    """A well-behaved client in a thread: one small request after another on a keep-alive
    connection, recording each latency, until stopped."""

    def __init__(self, port):
        self.port = port
        self.latencies = []
        self.errors = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(30)

    def _run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while not self._stop.is_set():
            start = time.monotonic()
            try:
                resp = raw_request(self.port, b"{}", conn=conn)
                if resp.status != 200:
                    self.errors.append(resp)
            except OSError as e:
                self.errors.append(e)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            self.latencies.append(time.monotonic() - start)
            time.sleep(0.02)
        conn.close()

    def summary(self):
        ms = sorted(x * 1000 for x in self.latencies)
        return (f"{len(ms)} requests, median {statistics.median(ms):.1f} ms, "
                f"p90 {ms[int(len(ms) * 0.9)]:.1f} ms, max {ms[-1]:.1f} ms")


class RssSampler:
    """Samples a process's RSS every 50 ms in a thread; `peak` is the largest seen."""

    def __init__(self, pid):
        self.pid = pid
        self.peak = rss_mb(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)

    def _run(self):
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mb(self.pid))


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class SlowLargeBodies(ServerTestCase):
    """A budget of 64 MiB for request bodies."""

    SERVER_ARGS = ("--max-request-memory", "64")
    BUDGET_MB = 64

    def slow_uploads(self, count, size, wait=False):
        """Opens `count` connections that each send a `size`-byte ListTables body but its last
        byte, as a slow or malicious client does. Returns the sockets. With `wait`, returns once
        the server holds the bodies: they may otherwise sit unread in the kernel's socket
        buffers (up to 32 MB on loopback) for a while."""
        body = b"{" + b" " * (size - 2) + b"}"
        head = signed_head(self.server.port, body, "DynamoDB_20120810.ListTables")
        socks = []
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
            socks.append(s)
        errors = []

        def send(s):
            try:
                s.sendall(head + body[:-1])
            except OSError as e:  # a refused upload may be reset once drained
                errors.append(e)

        threads = [threading.Thread(target=send, args=(s,)) for s in socks]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        deadline = time.monotonic() + 15
        while wait and self.raw(b"{" + b" " * (6 * MB) + b"}").status != 400:
            self.assertLess(time.monotonic(), deadline, "a 6 MB request is never throttled")
            time.sleep(0.05)
        return socks

    @contextlib.contextmanager
    def budget_spent(self):
        """Holds 60 of the 64 MB budget for the block: four 15 MB bodies, each short of its
        last byte, that the server has read; their connections close after the block."""
        socks = self.slow_uploads(4, 15 * MB, wait=True)
        try:
            yield
        finally:
            for s in socks:
                s.close()

    # Finding 4 of issue 8: 96 connections each holding a 15 MB body minus one byte took the
    # server from 48 MB to 1.48 GB, never returned. Now bodies share a budget: those that do not
    # fit are answered ThrottlingException at once (SDKs retry it), memory stays near the budget,
    # a well-behaved client is served quickly meanwhile, and memory falls back afterwards.
    def test_slow_large_bodies_are_shed_and_memory_stays_bounded(self):
        pid = self.server.proc.pid
        base = rss_mb(pid)
        with RssSampler(pid) as rss, Prober(self.server.port) as prober:
            time.sleep(0.3)
            socks = self.slow_uploads(24, 15 * MB)
            # 64 MB admit at most four 15 MB bodies: the others are answered at once.
            pending, throttled = set(socks), 0
            deadline = time.monotonic() + 15
            while throttled < 24 - self.BUDGET_MB // 15 and time.monotonic() < deadline:
                ready, _, _ = select.select(list(pending), [], [], 0.2)
                for s in ready:
                    pending.discard(s)
                    s.settimeout(5)
                    status, headers, body = read_response(s)
                    self.assertEqual(status, 400, body)
                    self.assertErrorBody(body, "ThrottlingException")
                    self.assertEqual(headers.get("connection"), "close")
                    self.assertEqual(headers.get("x-amz-crc32"), str(zlib.crc32(body)))
                    throttled += 1
            time.sleep(0.5)
        for s in socks:
            s.close()
        self.assertEqual(throttled, 24 - self.BUDGET_MB // 15, prober.summary())
        # The budget, plus buffers the budget does not count, plus the allocator's slack.
        self.assertLess(rss.peak - base, self.BUDGET_MB + 60,
                        f"RSS {base:.0f} MB -> {rss.peak:.0f} MB")
        self.assertEqual(prober.errors, [])
        self.assertGreater(len(prober.latencies), 10)
        # The issue asks that a well-behaved client be served within 100 ms meanwhile. On a
        # shared CI machine single requests can stall on scheduling, so most must be.
        self.assertLess(statistics.median(prober.latencies), 0.1, prober.summary())
        # Freed buffers go back to the system within a few seconds.
        deadline = time.monotonic() + 10
        after = rss_mb(pid)
        while after - base > 40 and time.monotonic() < deadline:
            time.sleep(0.25)
            after = rss_mb(pid)
        self.assertLess(after - base, 40, f"RSS {base:.0f} -> {rss.peak:.0f} -> {after:.0f} MB")
        self.assertEqual(self.raw({}).status, 200)

    # While the budget is spent, a large request gets ThrottlingException (400), the error SDKs
    # retry with back-off; once memory is free again the same request succeeds.
    def test_a_large_request_is_throttled_while_the_budget_is_spent(self):
        table = self.create_table()
        item = {"pk": {"S": "big"}, "v": {"S": "x" * (300 * 1024)}}
        with self.budget_spent():
            with self.assertApiError("ThrottlingException",
                                     "Rate of requests exceeds the allowed throughput."):
                self.client.batch_write_item(RequestItems={table: [
                    {"PutRequest": {"Item": {**item, "pk": {"S": f"k{i}"}}}}
                    for i in range(20)]})
            # Small requests are not counted against the budget and go on being served.
            self.client.put_item(TableName=table, Item={"pk": {"S": "small"}})
        # The server gives the budget back as it sees the slow uploads' sockets close: retried
        # as an SDK retries ThrottlingException, within a bound, the request then succeeds.
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.batch_write_item(RequestItems={table: [
                    {"PutRequest": {"Item": {**item, "pk": {"S": f"k{i}"}}}} for i in range(20)]})
                break
            except ClientError as e:
                if (e.response["Error"]["Code"] != "ThrottlingException"
                        or time.monotonic() > deadline):
                    raise
                time.sleep(0.1)
        pages = self.client.get_paginator("scan").paginate(TableName=table, Select="COUNT")
        self.assertEqual(sum(page["Count"] for page in pages), 21)

    # A chunked body (no Content-Length) is charged as it grows, and refused when it passes
    # what is left of the budget.
    def test_chunked_bodies_are_charged_as_they_grow(self):
        with self.budget_spent():
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
                s.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                          b"Content-Type: application/x-amz-json-1.0\r\n"
                          b"X-Amz-Target: DynamoDB_20120810.ListTables\r\n\r\n")
                chunk = b" " * MB
                try:
                    for _ in range(12):
                        s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                except OSError:
                    pass
                status, _, body = read_response(s)
                self.assertEqual(status, 400, body)
                self.assertErrorBody(body, "ThrottlingException")


class Deadlines(ServerTestCase):
    """A request gets 3 s to arrive whole; 1 s without progress closes it; idle 5 s."""

    SERVER_ARGS = ("--request-timeout", "3", "--io-timeout", "1", "--idle-timeout", "5")

    def partial_request(self):
        body = b"{}"
        return signed_head(self.server.port, body) + body

    # Finding 5 of issue 8: every byte used to restart the read timer, so a client sending a
    # byte every 3 s kept its connection for hours. The request now has one deadline from its
    # first byte, headers and body together.
    def test_a_dribbling_client_is_cut_at_the_request_deadline(self):
        request = self.partial_request()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            start = time.monotonic()
            closed_at = None
            for i in range(len(request) - 1):  # never the last byte
                try:
                    s.sendall(request[i:i + 1])
                except OSError:
                    closed_at = time.monotonic() - start
                    break
                if closed_within(s, 0.3) is not None:
                    closed_at = time.monotonic() - start
                    break
                if time.monotonic() - start > 8:
                    break
            self.assertIsNotNone(closed_at, "still open after 8 s of dribbling")
            self.assertGreater(closed_at, 2.7)
            self.assertLess(closed_at, 4.5)

    # Finding 5 again: a request that stops arriving was closed after 60 s (the idle timeout)
    # instead of the io timeout; it now is closed when no byte came for the io timeout.
    def test_a_stalled_request_is_closed_after_the_io_timeout(self):
        request = self.partial_request()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(request[:40])
            closed = closed_within(s, 5)
            self.assertIsNotNone(closed, "a stalled request kept its connection for 5 s")
            self.assertGreater(closed, 0.7)
            self.assertLess(closed, 2.2)  # well before the request deadline

    # The request deadline does not shorten keep-alive: between requests the idle timeout
    # applies, and a connection idle for longer than the request deadline is still served.
    def test_an_idle_keep_alive_connection_outlives_the_request_deadline(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            self.assertEqual(raw_request(self.server.port, b"{}", conn=conn).status, 200)
            sock = conn.sock
            time.sleep(3.5)
            self.assertEqual(raw_request(self.server.port, b"{}", conn=conn).status, 200)
            self.assertIs(conn.sock, sock, "the connection was not kept alive")
            self.assertIsNotNone(closed_within(conn.sock, 6), "idle past the idle timeout")
        finally:
            conn.close()

    # A slow but steady upload that completes within the deadline is served.
    def test_a_slow_request_within_the_deadline_is_served(self):
        request = self.partial_request()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            third = len(request) // 3
            for part in (request[:third], request[third:2 * third], request[2 * third:]):
                s.sendall(part)
                time.sleep(0.5)
            status, _, body = read_response(s)
            self.assertEqual(status, 200, body)


class ManyConnections(ServerTestCase):
    """At most 48 connections at once."""

    SERVER_ARGS = ("--max-connections", "48")
    LIMIT = 48

    # Connections past --max-connections are answered at once with ThrottlingException and
    # closed, never left hanging; once connections close, new ones are served again.
    def test_connections_past_the_limit_are_answered_throttling(self):
        raise_fd_limit()
        held = []
        refused = 0
        try:
            for _ in range(self.LIMIT + 10):
                s = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
                s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                start = time.monotonic()
                status, headers, body = read_response(s)
                if status == 200:
                    held.append(s)
                    continue
                self.assertLess(time.monotonic() - start, 1)
                self.assertEqual(status, 400, body)
                self.assertErrorBody(body, "ThrottlingException")
                self.assertEqual(headers.get("connection"), "close")
                self.assertIsNotNone(closed_within(s, 2))
                s.close()
                refused += 1
            # The harness's own clients hold a few of the slots.
            self.assertGreaterEqual(len(held), self.LIMIT - 6)
            self.assertLessEqual(len(held), self.LIMIT)
            self.assertGreaterEqual(refused, 10)
        finally:
            for s in held:
                s.close()
        deadline = time.monotonic() + 5
        while True:
            resp = self.raw({})
            if resp.status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(resp.status, 200, resp)

    # boto3 retries ThrottlingException: with retries on, a client that meets a full server
    # gets through once a connection is free.
    def test_boto3_retries_a_refused_connection(self):
        raise_fd_limit()
        held = [socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
                for _ in range(self.LIMIT)]
        client = boto3.client("dynamodb", endpoint_url=self.server.endpoint, region_name=REGION,
                              aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"],
                              config=Config(retries={"mode": "standard", "max_attempts": 10}))
        calls = []
        client.meta.events.register("needs-retry.dynamodb",
                                    lambda **kw: calls.append(kw.get("attempts")))
        threading.Timer(0.5, lambda: [s.close() for s in held]).start()
        self.assertIn("TableNames", client.list_tables())
        self.assertGreater(len(calls), 1, "the first attempt was not refused")


class ManyIdleConnections(ServerTestCase):
    """The default limits."""

    # Hundreds of idle connections cost little memory, and a well-behaved client is served
    # quickly meanwhile.
    def test_hundreds_of_idle_connections(self):
        raise_fd_limit()
        base = rss_mb(self.server.proc.pid)
        socks = []
        try:
            with Prober(self.server.port) as prober:
                for _ in range(400):
                    socks.append(socket.create_connection(("127.0.0.1", self.server.port)))
                for s in socks[::2]:
                    s.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\n")  # half a request
                time.sleep(1)
                during = rss_mb(self.server.proc.pid)
            self.assertEqual(prober.errors, [])
            self.assertLess(statistics.median(prober.latencies), 0.1, prober.summary())
            self.assertLess(during - base, 50, f"RSS {base:.0f} MB -> {during:.0f} MB")
        finally:
            for s in socks:
                s.close()
        self.assertEqual(self.raw({}).status, 200)


class RequestContentEncoding(ServerTestCase):
    TABLES = {"table": (("pk", "S"), None)}

    def put_raw(self, key, body_bytes, encoding):
        payload = json.dumps({"TableName": self.table, "Item": {"pk": {"S": key}}}).encode()
        return self.raw_op("PutItem", body_bytes(payload),
                           headers={"Content-Encoding": encoding} if encoding else None)

    def stored(self, key):
        return "Item" in self.client.get_item(TableName=self.table, Key={"pk": {"S": key}},
                                              ConsistentRead=True)

    # botocore can gzip its requests (Config request compression); DynamoDB decodes them. The
    # signature covers the compressed bytes, so decoding comes after the signature check.
    def test_boto3_compressed_requests(self):
        client = boto3.client("dynamodb", endpoint_url=self.server.endpoint, region_name=REGION,
                              aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"],
                              config=Config(request_min_compression_size_bytes=1,
                                            retries={"total_max_attempts": 1}))
        sent = []
        client.meta.events.register(
            "before-send.dynamodb",
            lambda request, **kw: sent.append(request.headers.get("Content-Encoding")))
        # DynamoDB's model does not ask for compression yet; turn it on for every operation.
        # botocore shares the loaded model between clients: put it back afterwards.
        operations = client.meta.service_model._service_description["operations"].values()
        for op in operations:
            op["requestcompression"] = {"encodings": ["gzip"]}
        try:
            client.put_item(TableName=self.table,
                            Item={"pk": {"S": "boto"}, "v": {"S": "x" * 5000}})
            got = client.get_item(TableName=self.table, Key={"pk": {"S": "boto"}})
        finally:
            for op in operations:
                del op["requestcompression"]
        self.assertEqual(got["Item"]["v"]["S"], "x" * 5000)
        self.assertIn("gzip", [s.decode() if isinstance(s, bytes) else s for s in sent])

    def test_gzip_body(self):
        self.assertEqual(self.put_raw("gz", gzip.compress, "gzip").status, 200)
        self.assertTrue(self.stored("gz"))

    # Several gzip members one after the other are one gzip stream (RFC 1952).
    def test_concatenated_gzip_members(self):
        resp = self.put_raw("gz2", lambda p: gzip.compress(p[:10]) + gzip.compress(p[10:]),
                            "gzip")
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(self.stored("gz2"))

    # "deflate" is the zlib format (RFC 9110); a raw deflate stream is accepted too.
    def test_deflate_body(self):
        self.assertEqual(self.put_raw("zl", zlib.compress, "deflate").status, 200)
        self.assertTrue(self.stored("zl"))

        def raw_deflate(p):
            c = zlib.compressobj(wbits=-15)
            return c.compress(p) + c.flush()
        self.assertEqual(self.put_raw("rd", raw_deflate, "Deflate").status, 200)
        self.assertTrue(self.stored("rd"))

    def test_identity_is_no_coding(self):
        self.assertEqual(self.put_raw("id", lambda p: p, "identity").status, 200)
        self.assertTrue(self.stored("id"))

    # A coding DynamoDB does not know: it answers 500 (as recorded against AWS by ScyllaDB
    # Alternator's tests) and never runs the body as if it were plain JSON.
    def test_unknown_content_encoding_is_refused(self):
        for encoding in ("br", "compress", "garbage", "gzip, br"):
            resp = self.put_raw("unk", lambda p: p, encoding)
            self.assertRawError(resp, "InternalServerError", status=500)
            self.assertFalse(self.stored("unk"), encoding)

    # A body that is not what its Content-Encoding says: 500 as DynamoDB answers, not executed.
    def test_corrupt_bodies_are_refused(self):
        cases = {
            "plain JSON labelled gzip": (lambda p: p, "gzip"),
            "truncated gzip": (lambda p: gzip.compress(p)[:-1], "gzip"),
            "gzip with junk after it": (lambda p: gzip.compress(p) + b"junk", "gzip"),
            "empty gzip": (lambda p: b"", "gzip"),
            "plain JSON labelled deflate": (lambda p: p, "deflate"),
        }
        for name, (encode, encoding) in cases.items():
            resp = self.put_raw("bad", encode, encoding)
            self.assertRawError(resp, "InternalServerError", status=500)
            self.assertFalse(self.stored("bad"), name)

    # A small body that expands past DynamoDB's 16 MB request limit (a "zip bomb") is refused
    # with 413, and decoding stops at the limit: memory does not follow the claimed size.
    def test_a_zip_bomb_is_refused_without_growing(self):
        bomb = gzip.compress(b"{" + b" " * (64 * MB) + b"}", compresslevel=9)
        self.assertLess(len(bomb), MB)
        base = rss_mb(self.server.proc.pid)
        resp = self.raw_op("ListTables", bomb, headers={"Content-Encoding": "gzip"})
        self.assertRawError(resp, "RequestEntityTooLarge", "Request payload size exceeds the limit",
                            status=413)
        self.assertLess(rss_mb(self.server.proc.pid) - base, 60)
        # 16 MB decoded is still accepted.
        ok = gzip.compress(b"{" + b" " * (16 * MB - 2) + b"}")
        self.assertEqual(self.raw_op("ListTables", ok,
                                     headers={"Content-Encoding": "gzip"}).status, 200)


class ResponseContentEncoding(ServerTestCase):
    TABLES = {"table": (("pk", "S"), None)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client.put_item(TableName=cls.table,
                            Item={"pk": {"S": "big"}, "v": {"S": "y" * 6000}})
        cls.client.put_item(TableName=cls.table, Item={"pk": {"S": "small"}})

    def get(self, key, accept=None):
        headers = {"Accept-Encoding": accept} if accept is not None else None
        return self.raw_op("GetItem", {"TableName": self.table, "Key": {"pk": {"S": key}}},
                           headers=headers)

    # DynamoDB compresses a response of 4 KB or more when Accept-Encoding allows gzip or
    # deflate; x-amz-crc32 is then the CRC of the compressed bytes (the SDKs check it so).
    def test_large_responses_are_compressed_when_accepted(self):
        for accept, encoding, decode in (("gzip", "gzip", gzip.decompress),
                                         ("deflate", "deflate", zlib.decompress),
                                         ("br, deflate;q=0.5, gzip", "gzip", gzip.decompress)):
            resp = self.get("big", accept)
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.headers.get("content-encoding"), encoding, accept)
            self.assertEqual(resp.headers["x-amz-crc32"], str(zlib.crc32(resp.body)))
            self.assertEqual(int(resp.headers["content-length"]), len(resp.body))
            self.assertLess(len(resp.body), 1000)
            self.assertEqual(json.loads(decode(resp.body))["Item"]["v"]["S"], "y" * 6000)

    def test_responses_stay_plain_otherwise(self):
        for key, accept in (("big", None), ("big", "identity"), ("big", "br"),
                            ("big", "gzip;q=0"), ("small", "gzip")):
            resp = self.get(key, accept)
            self.assertEqual(resp.status, 200)
            self.assertNotIn("content-encoding", resp.headers, (key, accept))
            self.assertEqual(resp.headers["x-amz-crc32"], str(zlib.crc32(resp.body)))
            json.loads(resp.body)

    # boto3 and the AWS CLI do not ask for compression; a boto3 client that does (and decodes
    # the body itself) passes botocore's own x-amz-crc32 check on the compressed bytes.
    def test_sdk_clients(self):
        self.assertEqual(self.client.get_item(TableName=self.table, Key={"pk": {"S": "big"}})
                         ["Item"]["v"]["S"], "y" * 6000)
        out = self.aws("get-item", "--table-name", self.table, "--key", '{"pk":{"S":"big"}}')
        self.assertEqual(out["Item"]["v"]["S"], "y" * 6000)

        client = boto3.client("dynamodb", endpoint_url=self.server.endpoint, region_name=REGION,
                              aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"],
                              config=Config(retries={"mode": "legacy", "total_max_attempts": 1}))
        seen = []

        def accept_gzip(request, **kw):
            request.headers["Accept-Encoding"] = "gzip"

        def decode(response_dict, **kw):
            seen.append(response_dict["headers"].get("Content-Encoding"))
            if seen[-1] == "gzip":
                response_dict["body"] = gzip.decompress(response_dict["body"])
        client.meta.events.register("before-sign.dynamodb", accept_gzip)
        client.meta.events.register("before-parse.dynamodb", decode)
        got = client.get_item(TableName=self.table, Key={"pk": {"S": "big"}})
        self.assertEqual(got["Item"]["v"]["S"], "y" * 6000)
        self.assertEqual(seen, ["gzip"])


class HeaderLimit(ServerTestCase):
    # Request headers past 16 KB are refused with 431 and the connection closed; AWS does not
    # document DynamoDB's figure, and SDK requests carry well under 2 KB of headers.
    def test_oversized_headers_are_refused(self):
        resp = self.raw({}, headers={"X-Padding": "p" * (17 * 1024)})
        self.assertEqual(resp.status, 431)
        self.assertEqual(self.raw({}, headers={"X-Padding": "p" * (12 * 1024)}).status, 200)


if __name__ == "__main__":
    import unittest
    unittest.main()
