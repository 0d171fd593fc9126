"""The HTTP/JSON protocol: targets, error shapes, headers, keep-alive, size limits, health."""

import http.client
import json
import socket
import threading
import time
import zlib

import boto3
from botocore.config import Config

from harness import (ServerTestCase, raw_request, random_name, MAX_REQUEST_BYTES, REGION,
                     error_type)


class Protocol(ServerTestCase):

    # GET / is the health check load balancers use. DynamoDB's line names the host the client
    # asked for, trailing space included (ScyllaDB's test_health.py, which runs against AWS;
    # dynalite records the space).
    def test_health_check(self):
        resp = self.raw(method="GET", sign=False)
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.body.decode(), f"healthy: 127.0.0.1:{self.server.port} ")
        resp = self.raw(method="GET", sign=False, headers={"Host": "localhost"})
        self.assertEqual(resp.body.decode(), "healthy: localhost ")

    # DynamoDB answers GET on any other path with a 4xx (test_health_only_works_for_root_path).
    def test_health_check_only_at_the_root(self):
        for path in ["/abc", "/-", "/index.htm", "/health"]:
            resp = self.raw(method="GET", path=path, sign=False)
            self.assertEqual(resp.status, 404, path)
            self.assertEqual(resp.body, b"<UnknownOperationException/>\n")

    def test_success_headers(self):
        resp = self.raw({}, "DynamoDB_20120810.ListTables")
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.headers["content-type"], "application/x-amz-json-1.0")
        self.assertEqual(resp.headers["x-amz-crc32"], str(zlib.crc32(resp.body)))
        self.assertEqual(int(resp.headers["content-length"]), len(resp.body))
        self.assertTrue(resp.headers.get("x-amzn-requestid"))
        self.assertIn("TableNames", resp.json())

    def test_request_ids_are_unique(self):
        ids = {self.raw({}).headers["x-amzn-requestid"] for _ in range(20)}
        self.assertEqual(len(ids), 20)

    # Error bodies carry exactly __type (in DynamoDB's namespace) and a lowercase message, and,
    # like every response, a crc32 (docs/wire-protocol.md).
    def test_error_shape(self):
        name = random_name()
        resp = self.raw_op("DescribeTable", {"TableName": name})
        self.assertRawError(resp, "ResourceNotFoundException",
                            f"Requested resource not found: Table: {name} not found")
        self.assertEqual(sorted(resp.json()), ["__type", "message"])
        self.assertEqual(resp.headers["content-type"], "application/x-amz-json-1.0")

    # An X-Amz-Target that names no operation is echoed in the message.
    def test_unknown_operation(self):
        self.assertRawError(self.raw({}, "DynamoDB_20120810.ListTable"),
                            "UnknownOperationException",
                            "Unknown operation: DynamoDB_20120810.ListTable")

    def test_unknown_api_version(self):
        self.assertRawError(self.raw({}, "DynamoDB_20111205.ListTables"),
                            "UnknownOperationException",
                            "Unknown operation: DynamoDB_20111205.ListTables")

    def test_missing_target(self):
        self.assertRawError(self.raw({}, None), "UnknownOperationException",
                            "Missing X-Amz-Target header")

    def test_target_without_operation(self):
        self.assertRawError(self.raw({}, "DynamoDB_20120810"), "UnknownOperationException",
                            "Unknown operation: DynamoDB_20120810")

    # The message gives the parser's reason and the byte offset where it gave up.
    def test_malformed_json(self):
        for body, reason, offset in [
                ("hi", "Invalid value.", 0),
                ("{", "Missing a name for object member.", 1),
                ("{\"TableName\": }", "Invalid value.", 14),
                ("{\"a\":1,}", "Missing a name for object member.", 7),
                ("}}}", "Invalid value.", 0),
                ("{'a': 1}", "Missing a name for object member.", 1),
                # A raw NUL is never JSON; it must not end the document early either.
                ("\x00", "Invalid character (NUL byte) in the JSON text.", 0),
                ("{}\x00garbage", "Invalid character (NUL byte) in the JSON text.", 2),
                ("{\"TableName\": \"abc\"} trailing",
                 "The document root must not be followed by other values.", 21)]:
            with self.subTest(body=body):
                self.assertRawError(
                    self.raw_op("DescribeTable", body), "SerializationException",
                    f"The request body is not valid JSON: {reason} (at byte {offset})")

    # A malformed body is reported even when the target is bad too.
    def test_malformed_json_with_an_unknown_target(self):
        self.assertRawError(self.raw("{", "DynamoDB_20120810.Nope"), "SerializationException",
                            "The request body is not valid JSON: Missing a name for object "
                            "member. (at byte 1)")

    def test_request_that_is_not_an_object(self):
        for body in ["[]", "7", "\"ListTables\"", "true", ""]:
            with self.subTest(body=body):
                self.assertRawError(self.raw_op("ListTables", body), "SerializationException",
                                    "The request body must be a JSON object")

    def test_invalid_utf8(self):
        resp = self.raw_op("DescribeTable", b'{"TableName": "ab\xff\xfe"}')
        self.assertIn(resp.json()["__type"], (error_type("SerializationException"),
                                              error_type("ValidationException")))
        self.assertRawError(resp, resp.json()["__type"].rpartition("#")[2])

    # Whatever prefix of a valid request arrives, the answer is a client error, never a 500
    # and never a dead server.
    def test_every_truncation_of_a_request(self):
        table = self.create_table()
        body = json.dumps({"TableName": table, "Item": {"pk": {"S": "x"}, "l": {"L": [
            {"M": {"n": {"N": "1"}}}, {"BS": ["AAEC"]}]}}})
        for i in range(len(body)):
            resp = self.raw_op("PutItem", body[:i])
            self.assertEqual(resp.status, 400, (body[:i], resp))
            self.assertIn(resp.json()["__type"], (error_type("SerializationException"),
                                                  error_type("ValidationException")),
                          body[:i])
            self.assertErrorBody(resp.body, resp.json()["__type"].rpartition("#")[2])
        self.assertEqual(self.raw_op("PutItem", body).status, 200)

    # Deeply nested JSON must not overflow the server's stack.
    def test_deeply_nested_json(self):
        table = self.create_table()
        for depth in (100, 10000, 200000):
            with self.subTest(depth=depth):
                deep = '{"a":' * depth + "{}" + "}" * depth
                body = ('{"TableName": "%s", "Item": {"pk": {"S": "x"}, "d": %s}}'
                        % (table, deep))
                resp = self.raw_op("PutItem", body)
                self.assertEqual(resp.status, 400, resp)
        self.assertTrue(self.server.alive())

    def test_keep_alive(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            first = raw_request(self.server.port, b"{}", conn=conn)
            sock = conn.sock
            self.assertIsNotNone(sock)
            self.assertNotEqual(first.headers.get("connection", "").lower(), "close")
            for _ in range(5):
                again = raw_request(self.server.port, b"{}", conn=conn)
                self.assertEqual(again.status, 200)
                self.assertIs(conn.sock, sock, "the server closed a keep-alive connection")
            # An error answer keeps the connection too.
            err = raw_request(self.server.port, b"{", conn=conn)
            self.assertEqual(err.status, 400)
            raw_request(self.server.port, b"{}", conn=conn)
            self.assertIs(conn.sock, sock)
        finally:
            conn.close()

    # Any well-formed SigV4 signature is accepted for now, whatever the keys.
    def test_any_credentials_are_accepted(self):
        other = boto3.client("dynamodb", endpoint_url=self.server.endpoint, region_name=REGION,
                             aws_access_key_id="SOMEONEELSE", aws_secret_access_key="other",
                             config=Config(retries={"total_max_attempts": 1}))
        self.assertIn("TableNames", other.list_tables())

    # Bodies above 16 MB are refused from their Content-Length, before they are read, with an
    # error body like any other.
    def test_oversize_body_is_refused_early(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=15) as s:
            head = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Content-Type: application/x-amz-json-1.0\r\n"
                    "X-Amz-Target: DynamoDB_20120810.ListTables\r\n"
                    "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/dynamodb/"
                    "aws4_request, SignedHeaders=host, Signature=00\r\n"
                    f"Content-Length: {MAX_REQUEST_BYTES + 1}\r\n\r\n")
            s.sendall(head.encode() + b"{" + b" " * 65536)
            start = time.monotonic()
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            self.assertTrue(data.startswith(b"HTTP/1.1 413"), data[:200])
            self.assertLess(time.monotonic() - start, 10)
            reply_head, _, body = data.partition(b"\r\n\r\n")
            fields = (line.decode().split(":", 1) for line in reply_head.split(b"\r\n")[1:])
            headers = {name.lower(): value.strip() for name, value in fields}
            while len(body) < int(headers["content-length"]):
                chunk = s.recv(4096)
                if not chunk:
                    break
                body += chunk
            self.assertErrorBody(body, "RequestEntityTooLarge")
            self.assertEqual(json.loads(body)["message"], "Request payload size exceeds the limit")
            self.assertEqual(headers["x-amz-crc32"], str(zlib.crc32(body)))
        self.assertEqual(self.raw({}).status, 200)

    def test_body_just_under_the_limit_is_read(self):
        # A 15 MB body of whitespace around a valid request is JSON like any other.
        body = b"{}" + b" " * (15 * 1024 * 1024)
        resp = self.raw(body)
        self.assertEqual(resp.status, 200, resp)

    def test_concurrent_clients(self):
        table = self.create_table()
        errors = []

        def worker(n):
            try:
                client = self.server.client()
                for i in range(25):
                    key = {"pk": {"S": f"w{n}-{i}"}}
                    client.put_item(TableName=table, Item={**key, "v": {"N": str(i)}})
                    got = client.get_item(TableName=table, Key=key, ConsistentRead=True)
                    if got["Item"]["v"] != {"N": str(i)}:
                        errors.append(got)
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        self.assertEqual(self.client.scan(TableName=table, Select="COUNT")["Count"], 12 * 25)


class Browsers(ServerTestCase):
    """What a web page open in the user's browser can do to a local server: by default nothing
    (docs/security.md)."""

    # No CORS by default: a preflight gets no allow headers, so the browser never sends the
    # request; a request sent without one (or by an old browser) is refused unexecuted.
    def test_no_cross_origin_access_by_default(self):
        resp = self.raw(method="OPTIONS", sign=False, headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target"})
        self.assertEqual(resp.status, 403)
        self.assertFalse([h for h in resp.headers if h.startswith("access-control")], resp.headers)
        name = random_name()
        resp = self.raw_op("CreateTable", {
            "TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]},
            headers={"Origin": "https://evil.example"})
        self.assertEqual(resp.status, 403)
        self.assertFalse([h for h in resp.headers if h.startswith("access-control")])
        self.assertNotIn(name, self.client.list_tables()["TableNames"])

    # DNS rebinding: a page whose name now resolves to 127.0.0.1 still sends its own Host.
    def test_only_loopback_host_names(self):
        for host in ["evil.example", f"evil.example:{self.server.port}", "192.168.1.20"]:
            resp = self.raw({}, headers={"Host": host})
            self.assertEqual(resp.status, 403, host)
            self.assertEqual(resp.json()["__type"], error_type("AccessDeniedException"))
            self.assertEqual(self.raw(method="GET", sign=False, headers={"Host": host}).status,
                             403)
        for host in ["localhost", f"localhost:{self.server.port}", "127.0.0.1", "[::1]:1"]:
            self.assertEqual(self.raw(method="GET", sign=False, headers={"Host": host}).status,
                             200, host)


class CorsOrigins(ServerTestCase):
    SERVER_ARGS = ["--cors-origin", "http://localhost:3000"]

    def preflight(self, origin):
        return self.raw(method="OPTIONS", sign=False, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target"})

    # An allowed origin gets DynamoDB's CORS answer.
    def test_allowed_origin(self):
        resp = self.preflight("http://localhost:3000")
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.headers["access-control-allow-origin"], "http://localhost:3000")
        self.assertEqual(resp.headers["access-control-allow-headers"], "content-type,x-amz-target")
        self.assertEqual(resp.headers["access-control-allow-methods"], "POST")
        self.assertEqual(resp.headers["access-control-max-age"], "172800")
        resp = self.raw({}, headers={"Origin": "http://localhost:3000"})
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.headers["access-control-allow-origin"], "http://localhost:3000")
        self.assertIn("TableNames", resp.json())

    def test_other_origins(self):
        for origin in ["http://localhost:3001", "https://evil.example", "null"]:
            resp = self.preflight(origin)
            self.assertEqual(resp.status, 403, origin)
            self.assertNotIn("access-control-allow-origin", resp.headers)
            self.assertEqual(self.raw({}, headers={"Origin": origin}).status, 403)
