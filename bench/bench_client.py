"""What the Python benchmarks share: a free port, a raw DynamoDB client on one keep-alive
connection (the loads' fake SigV4 header, no SDK in the measured path), and a pool of writers
that count their PutItems."""

import http.client
import json
import socket
import threading
import time

from index_preload import HEADERS  # the loads' fake SigV4 header


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def call(self, op, body, service="DynamoDB_20120810"):
        self.conn.request("POST", "/", json.dumps(body),
                          dict(HEADERS, **{"X-Amz-Target": f"{service}.{op}"}))
        resp = self.conn.getresponse()
        answer = json.loads(resp.read() or b"{}")
        if resp.status != 200:
            raise RuntimeError(f"{op}: {resp.status} {answer}")
        return answer

    def streams(self, op, body):
        return self.call(op, body, "DynamoDBStreams_20120810")


class Writers:
    """`n` threads putting new items (pk <prefix><thread>-<i>, a 160-byte f0) into `table` until
    stopped; counts them."""

    def __init__(self, port, n, prefix, table="usertable"):
        self.port, self.prefix, self.table, self.count, self.stop = port, prefix, table, 0, False
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(w,)) for w in range(n)]

    def run(self, w):
        client = Client(self.port)
        i = 0
        while not self.stop:
            client.call("PutItem", {"TableName": self.table, "Item": {
                "pk": {"S": f"{self.prefix}{w}-{i}"}, "f0": {"S": "y" * 160}}})
            i += 1
            with self.lock:
                self.count += 1

    def __enter__(self):
        self.began = time.monotonic()
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop = True
        for t in self.threads:
            t.join()
        self.seconds = time.monotonic() - self.began

    def rate(self):
        return self.count / self.seconds


def load_items(port, items, table="usertable", extra=None, conns=4):
    """BatchWriteItems of `items` items (pk old<i>, a 160-byte f0, and the attributes of
    `extra`) from `conns` connections; returns the seconds it took."""
    payload = "x" * 160
    batches = list(range(0, items, 25))
    batches.reverse()  # popped from the end: keys are written in roughly ascending order
    lock = threading.Lock()

    def worker():
        client = Client(port)
        while True:
            with lock:
                if not batches:
                    return
                start = batches.pop()
            reqs = [{"PutRequest": {"Item": {"pk": {"S": f"old{i:010d}"}, "f0": {"S": payload},
                                             **(extra or {})}}}
                    for i in range(start, min(start + 25, items))]
            answer = client.call("BatchWriteItem", {"RequestItems": {table: reqs}})
            if answer.get("UnprocessedItems"):
                raise RuntimeError("unprocessed items")

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - began
