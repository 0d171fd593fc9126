"""Incremental exports (ExportType INCREMENTAL_EXPORT) over history written "in the past".

The server first runs under libfaketime with its clock 26 hours back, then 2 hours back, then at
the real time (storage's commit clock only moves forward, so each restart moves it forward):
three batches of random writes, A at -26h, B at -2h, C now. Windows of real length then lie in
the PITR window without any wait and without relaxing a single AWS rule.

The property: for every window [T1, T2), applying the incremental records to the full export at
T1 (a NewImage sets the item, a record without one deletes it) gives exactly the full export at
T2, in both formats and both views; with NEW_AND_OLD_IMAGES every OldImage is the item of the
full export at T1. Every export also passes tools/verify-export.

Facts: shared/spec/export-and-pitr.md §1.2 (layout), §1.4 (manifest-summary 2023-08-01), §2.3
(records), §4.1 (IncrementalExportSpecification), §5 and the observed InvalidExportTimeException
messages recorded in src/api/incremental_window.h.
"""

import datetime
import json
import os
import random
import sys
import subprocess
import time
import unittest

from export_support import (ION_CHECK_DIR, ExportTestCase, GatedProxy, MotoServer, ensure_ion_check, iso_ms,
                            sleep_past_next_second)
from harness import CREDS, FAKETIME_LIB, TidelineServer

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "verify-export"))
import verify_export  # noqa: E402

HOUR = 3600
KEY_NAMES = ("pk", "sk")


def random_value(rng, depth=0):
    kind = rng.choice(["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"] if depth < 2
                      else ["S", "N", "B"])
    if kind == "S":
        return {"S": "".join(rng.choice("abcé€\n\"'") for _ in range(rng.randint(1, 8)))}
    if kind == "N":
        return {"N": rng.choice(["0", "-1.5", "600", "12345678901234567890123456789012345678",
                                 str(rng.randint(-10**6, 10**6)), "0.001"])}
    if kind == "B":
        return {"B": bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))}
    if kind == "BOOL":
        return {"BOOL": rng.random() < 0.5}
    if kind == "NULL":
        return {"NULL": True}
    if kind == "SS":
        return {"SS": list({f"s{rng.randint(0, 9)}" for _ in range(3)})}
    if kind == "NS":
        return {"NS": list({str(rng.randint(0, 50)) for _ in range(3)})}
    if kind == "BS":
        return {"BS": list({bytes([rng.randint(0, 9)]) for _ in range(3)})}
    if kind == "L":
        return {"L": [random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]}
    return {"M": {f"m{i}": random_value(rng, depth + 1) for i in range(rng.randint(0, 3))}}


def exported(check):
    """(full items by key, incremental records by key) of a checked export."""
    if not check.incremental:
        out = {}
        for item in check.items.values():
            out[json.dumps({k: item[k] for k in KEY_NAMES}, sort_keys=True)] = item
        return out
    return dict(check.items)


class IncrementalExportTest(ExportTestCase):
    """One server over history at -26h, -2h and now; both destinations (local sink, then
    moto_server through --s3-endpoint)."""

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(FAKETIME_LIB):
            raise unittest.SkipTest("libfaketime is not installed")
        cls.rng = random.Random(11)
        cls.keys = [(p, s) for p in "abcdef" for s in range(5)]
        cls.present = set()
        cls.real_start = time.time()
        cls.server = TidelineServer(faketime="-26h").start()
        cls._make_clients()
        cls.table = cls.create_table(hash_key=("pk", "S"), range_key=("sk", "N"))
        cls.enable_pitr(cls.table)
        cls.pitr_table = cls.create_table()
        cls.enable_pitr(cls.pitr_table)
        cls.plain_table = cls.create_table()
        cls.bucket = cls.make_bucket()
        cls.t0 = sleep_past_next_second() - 26 * HOUR  # after PITR was enabled, before A
        cls.workload(70)  # batch A, at about real_start - 26h
        cls.server.stop()
        cls.server.faketime = "-2h"
        cls.server.start()
        cls._make_clients()
        cls.workload(70)  # batch B, at about real_start - 2h
        cls.server.stop()
        cls.server.faketime = None
        cls.server.start()
        cls._make_clients()
        cls.workload(70)  # batch C, now
        cls.now = sleep_past_next_second()
        # Windows in server time: A lies before T1, B inside [T2, T3), C inside [T3, now).
        cls.t1 = cls.t0 + HOUR
        cls.t2 = int(cls.real_start - 3 * HOUR)
        cls.t3 = int(cls.real_start - HOUR)
        cls.full = {}

    @classmethod
    def workload(cls, ops):
        """Puts, updates and deletes over 30 keys; one key inserted and deleted in the batch."""
        rng = cls.rng
        for _ in range(ops):
            pk, sk = rng.choice(cls.keys)
            key = {"pk": {"S": pk}, "sk": {"N": str(sk)}}
            if (pk, sk) in cls.present and rng.random() < 0.25:
                cls.client.delete_item(TableName=cls.table, Key=key)
                cls.present.discard((pk, sk))
            else:
                item = dict(key)
                for i in range(rng.randint(0, 4)):
                    item[f"a{rng.randint(0, 6)}"] = random_value(rng)
                cls.client.put_item(TableName=cls.table, Item=item)
                cls.present.add((pk, sk))
        ephemeral = {"pk": {"S": "zz"}, "sk": {"N": str(rng.randint(0, 10**6))}}
        cls.client.put_item(TableName=cls.table, Item=dict(ephemeral, v={"S": "short-lived"}))
        cls.client.delete_item(TableName=cls.table, Key=ephemeral)

    # --- helpers ------------------------------------------------------------------------------

    def local_check(self, desc):
        root = os.path.join(self.s3_root(), desc["S3Bucket"])
        store = verify_export.LocalStore(root)
        check = verify_export.ExportCheck(store, desc["ExportManifest"])
        check.run()
        return check

    def full_at(self, t, fmt="DYNAMODB_JSON"):
        if (t, fmt) not in self.full:
            desc = self.export_and_wait(self.table, self.bucket, ExportTime=t, ExportFormat=fmt)
            self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
            self.full[(t, fmt)] = exported(self.local_check(desc))
        return self.full[(t, fmt)]

    def incremental(self, frm, to=None, fmt="DYNAMODB_JSON", view=None, bucket=None, **kw):
        spec = {"ExportFromTime": frm}
        if to is not None:
            spec["ExportToTime"] = to
        if view:
            spec["ExportViewType"] = view
        return self.start_export(self.table, bucket or self.bucket, ExportFormat=fmt,
                                 ExportType="INCREMENTAL_EXPORT",
                                 IncrementalExportSpecification=spec, **kw)

    def assertAppliesExactly(self, frm, to, fmt, view):
        desc = self.wait_export(self.incremental(frm, to, fmt, view)["ExportArn"])
        self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
        check = self.local_check(desc)
        records = exported(check)
        before, after = self.full_at(frm, fmt), self.full_at(to, fmt)
        self.assertTrue(records, "the window holds changes")
        state = dict(before)
        for k, rec in records.items():
            if view == "NEW_IMAGE":
                self.assertNotIn("OldImage", rec)
            else:
                self.assertEqual(rec.get("OldImage"), before.get(k), f"OldImage of {k}")
            if "NewImage" in rec:
                state[k] = rec["NewImage"]
            else:
                state.pop(k, None)
        self.assertEqual(state, after, f"{fmt} {view}: full({frm}) + incremental != full({to})")
        if fmt == "ION":
            self.assertSameAsIonJs(desc, records)
        # The short-lived items (inserted and deleted inside the window) give no record.
        self.assertFalse([k for k in records if '"zz"' in k], "short-lived items exported")
        return desc, check

    def assertSameAsIonJs(self, desc, records):
        """Amazon's Ion reader (ion-js, tools/ion-check --incremental) reads the same records."""
        ensure_ion_check()
        bucket = self.local_bucket(desc["S3Bucket"])
        summary = json.loads(bucket.get(desc["ExportManifest"]))
        seen = {}
        for line in bucket.get(summary["manifestFilesS3Key"]).decode().splitlines():
            key = json.loads(line)["dataFileS3Key"]
            proc = subprocess.run(["node", os.path.join(ION_CHECK_DIR, "check.js"), "--sort-sets",
                                   "--incremental"], input=bucket.get(key), capture_output=True,
                                  timeout=300)
            self.assertEqual(proc.returncode, 0, proc.stderr.decode(errors="replace"))
            for text in proc.stdout.decode().splitlines():
                rec = json.loads(text)
                seen[json.dumps(rec["Keys"], sort_keys=True)] = rec
        self.assertEqual(sorted(seen), sorted(records))
        for k, rec in records.items():
            self.assertEqual(int(seen[k]["Metadata"]["WriteTimestampMicros"]["N"]), rec["micros"])
            for image in ("OldImage", "NewImage"):
                self.assertEqual(seen[k].get(image), rec.get(image), f"{image} of {k}")

    # --- the property -------------------------------------------------------------------------

    def test_full_plus_incremental_is_the_later_full_export(self):
        for frm, to in ((self.t0, self.t1), (self.t2, self.t3), (self.t3, self.now)):
            for fmt in ("DYNAMODB_JSON", "ION"):
                for view in ("NEW_AND_OLD_IMAGES", "NEW_IMAGE"):
                    with self.subTest(window=(frm, to), fmt=fmt, view=view):
                        self.assertAppliesExactly(frm, to, fmt, view)

    # --- layout, manifests, descriptions ------------------------------------------------------

    def test_layout_manifest_and_description(self):
        desc = self.incremental(self.t2, self.t3, S3Prefix="inc/p")
        self.assertEqual(desc["ExportType"], "INCREMENTAL_EXPORT")
        self.assertNotIn("ExportTime", desc)
        spec = desc["IncrementalExportSpecification"]
        self.assertEqual(spec["ExportViewType"], "NEW_AND_OLD_IMAGES")  # the default
        self.assertEqual(spec["ExportFromTime"].timestamp(), self.t2)
        self.assertEqual(spec["ExportToTime"].timestamp(), self.t3)
        desc = self.wait_export(desc["ExportArn"])
        self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
        self.assertGreaterEqual(desc["BilledSizeBytes"], 10000000)
        export_id = desc["ExportArn"].rsplit("/", 1)[1]
        bucket = self.local_bucket(self.bucket)
        self.assertEqual(desc["ExportManifest"], f"inc/p/AWSDynamoDB/{export_id}/manifest-summary.json")
        summary_raw = bucket.get(desc["ExportManifest"])
        summary = json.loads(summary_raw)
        self.assertEqual(list(summary), verify_export.SUMMARY_INCREMENTAL)
        self.assertFalse(summary_raw.endswith(b"\n"))
        self.assertEqual(summary["version"], "2023-08-01")
        self.assertEqual(summary["exportFromTime"], iso_ms(self.t2 * 1000))
        self.assertEqual(summary["exportToTime"], iso_ms(self.t3 * 1000))
        self.assertEqual(summary["outputView"], "NEW_AND_OLD_IMAGES")
        self.assertEqual(summary["exportType"], "INCREMENTAL_EXPORT")
        self.assertEqual(summary["s3Prefix"], "inc/p")
        self.assertEqual(summary["itemCount"], desc["ItemCount"])
        keys = bucket.keys(f"inc/p/AWSDynamoDB/{export_id}/")
        self.assertEqual(sorted(k.rsplit("/", 1)[1] for k in keys),
                         ["_started", "manifest-files.json", "manifest-files.md5",
                          "manifest-summary.json", "manifest-summary.md5"])
        for line in bucket.get(summary["manifestFilesS3Key"]).decode().splitlines():
            self.assertRegex(json.loads(line)["dataFileS3Key"],
                             r"^inc/p/AWSDynamoDB/data/[a-z2-7]{26}\.json\.gz$")
        summaries = self.list_all_exports(TableArn=self.table_arn(self.table))
        mine = [s for s in summaries if s["ExportArn"] == desc["ExportArn"]]
        self.assertEqual(mine[0]["ExportType"], "INCREMENTAL_EXPORT")
        # A record as AWS writes it: Metadata first, WriteTimestampMicros an N, sorted images.
        check = self.local_check(desc)
        for rec in check.items.values():
            self.assertTrue(self.t2 * 10**6 <= rec["micros"] < self.t3 * 10**6)

    def test_default_to_time_is_now_in_whole_seconds(self):
        before = time.time()
        desc = self.incremental(self.t3)
        to = desc["IncrementalExportSpecification"]["ExportToTime"].timestamp()
        self.assertEqual(to, int(to))
        self.assertLessEqual(to, time.time())
        self.assertGreaterEqual(to, int(before))
        self.assertEqual(self.wait_export(desc["ExportArn"])["ExportStatus"], "COMPLETED")

    def test_verifier_compares_with_the_table(self):
        desc = self.wait_export(self.incremental(self.t2, self.t3)["ExportArn"])
        root = os.path.join(self.s3_root(), desc["S3Bucket"])
        folder = os.path.join(root, desc["ExportManifest"].rsplit("/", 1)[0])
        env = dict(os.environ, AWS_DEFAULT_REGION="us-east-1", **CREDS)
        proc = subprocess.run([sys.executable, verify_export.__file__, folder, "--against-table",
                               self.table, "--endpoint", self.server.endpoint],
                              capture_output=True, text=True, env=env, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("matches table", proc.stdout)
        full = self.export_and_wait(self.table, self.bucket, ExportTime=self.t3)
        folder = os.path.join(root, full["ExportManifest"].rsplit("/", 1)[0])
        proc = subprocess.run([sys.executable, verify_export.__file__, folder, "--against-table",
                               self.table, "--endpoint", self.server.endpoint],
                              capture_output=True, text=True, env=env, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # Against another table, the same export is caught.
        proc = subprocess.run([sys.executable, verify_export.__file__, folder, "--against-table",
                               self.pitr_table, "--endpoint", self.server.endpoint],
                              capture_output=True, text=True, env=env, timeout=300)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)

    # --- validation ---------------------------------------------------------------------------

    def test_window_rules(self):
        def iso(t):
            return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ")

        # One reading of the clock: two could straddle a second and name different times.
        in_an_hour = int(time.time()) + HOUR
        cases = [
            ((self.t2, self.t2 + 14 * 60 + 59), "Difference between export period from time and "
             "export period to time is less than 15 minutes"),
            ((self.t1, self.t1 + 24 * HOUR + 1), "Difference between export period from time and "
             "export period to time is greater than 24 hours"),
            ((self.t2, in_an_hour), "Incremental export period to time cannot be "
             f"greater than the current time : {iso(in_an_hour)}"),
            ((self.t0 - 2 * HOUR, self.t0), "Incremental export period from time cannot be less "
             f"than the table creation time : {iso(self.t0 - 2 * HOUR)}"),
        ]
        for (frm, to), message in cases:
            with self.subTest(message=message), self.assertApiError("InvalidExportTimeException",
                                                                    message):
                self.incremental(frm, to)
        # PITR off: no time is restorable, AWS words it the same way.
        with self.assertApiError("InvalidExportTimeException", "Incremental export period from "
                                 f"time cannot be less than the table creation time : "
                                 f"{iso(self.t3)}"):
            self.client.export_table_to_point_in_time(
                TableArn=self.table_arn(self.plain_table), S3Bucket=self.bucket,
                ExportType="INCREMENTAL_EXPORT",
                IncrementalExportSpecification={"ExportFromTime": self.t3})

    def test_request_shape_errors(self):
        arn = self.table_arn(self.table)
        base = dict(TableArn=arn, S3Bucket=self.bucket)
        with self.assertApiError("ValidationException", contains="IncrementalExportSpecification"):
            self.client.export_table_to_point_in_time(ExportType="INCREMENTAL_EXPORT", **base)
        with self.assertApiError("ValidationException", contains="ExportTime"):
            self.client.export_table_to_point_in_time(
                ExportType="INCREMENTAL_EXPORT", ExportTime=self.t3,
                IncrementalExportSpecification={"ExportFromTime": self.t2}, **base)
        with self.assertApiError("ValidationException", contains="ExportFromTime"):
            self.client.export_table_to_point_in_time(
                ExportType="INCREMENTAL_EXPORT",
                IncrementalExportSpecification={"ExportToTime": self.t3}, **base)
        with self.assertApiError("ValidationException", contains="IncrementalExportSpecification"):
            self.client.export_table_to_point_in_time(
                IncrementalExportSpecification={"ExportFromTime": self.t2}, **base)
        with self.assertApiError(
                "ValidationException",
                "1 validation error detected: Value 'OLD_IMAGE' at "
                "'incrementalExportSpecification.exportViewType' failed to satisfy constraint: "
                "Member must satisfy enum value set: [NEW_AND_OLD_IMAGES, NEW_IMAGE]"):
            self.raw_client.export_table_to_point_in_time(
                ExportType="INCREMENTAL_EXPORT",
                IncrementalExportSpecification={"ExportFromTime": self.t2,
                                                "ExportViewType": "OLD_IMAGE"}, **base)

    def test_client_token_covers_the_window(self):
        first = self.incremental(self.t2, self.t3, ClientToken="inc-token")
        again = self.incremental(self.t2, self.t3, ClientToken="inc-token")
        self.assertEqual(first["ExportArn"], again["ExportArn"])
        for frm, to, view in ((self.t2 + 1, self.t3, None), (self.t2, self.t3 - 1, None),
                              (self.t2, self.t3, "NEW_IMAGE")):
            with self.assertApiError("ExportConflictException"):
                self.incremental(frm, to, view=view, ClientToken="inc-token")
        self.wait_export(first["ExportArn"])

    # --- S3 -------------------------------------------------------------------------------------

    def test_to_s3_through_moto(self):
        local = {}
        for fmt in ("DYNAMODB_JSON", "ION"):
            desc = self.wait_export(self.incremental(self.t2, self.t3, fmt)["ExportArn"])
            local[fmt] = exported(self.local_check(desc))
        moto = MotoServer().start()
        try:
            os.environ.update(CREDS)
            self.server.stop()
            saved = list(self.server.extra_args)
            self.server.extra_args = saved + ["--s3-endpoint", moto.url]
            self.start_again()
            s3 = moto.client()
            s3.create_bucket(Bucket="inc-bucket")
            for fmt in ("DYNAMODB_JSON", "ION"):
                desc = self.wait_export(self.incremental(self.t2, self.t3, fmt,
                                                         bucket="inc-bucket")["ExportArn"])
                self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
                store = verify_export.S3Store("inc-bucket", moto.url)
                check = verify_export.ExportCheck(store, desc["ExportManifest"])
                check.run()
                keys = [o["Key"] for o in s3.list_objects_v2(Bucket="inc-bucket")["Contents"]]
                self.assertTrue(any(k.startswith("AWSDynamoDB/data/") for k in keys), keys)
                self.assertEqual(exported(check), local[fmt])
            self.server.stop()
            self.server.extra_args = saved
            self.start_again()
        finally:
            moto.stop()

    def test_kill9_during_an_incremental_export_resumes_it(self):
        # Held at its first S3 request by a closed gate, the export is IN_PROGRESS when the
        # server is killed; after the restart it runs again (its pin at ExportFromTime - 1 taken
        # again) and writes the same records as an export that was never interrupted.
        expected = exported(self.local_check(
            self.wait_export(self.incremental(self.t2, self.t3)["ExportArn"])))
        moto = MotoServer().start()
        proxy = GatedProxy(moto.port)
        saved = list(self.server.extra_args)
        try:
            os.environ.update(CREDS)
            self.server.stop()
            self.server.extra_args = saved + ["--s3-endpoint", proxy.url]
            self.start_again()
            s3 = moto.client()
            s3.create_bucket(Bucket="held-bucket")
            desc = self.incremental(self.t2, self.t3, bucket="held-bucket")
            time.sleep(0.3)
            self.assertEqual(self.describe_export(desc["ExportArn"])["ExportStatus"],
                             "IN_PROGRESS")
            self.server.kill9()
            proxy.open()
            self.start_again()
            final = self.wait_export(desc["ExportArn"], timeout=120)
            self.assertEqual(final["ExportStatus"], "COMPLETED", final)
            self.assertEqual(final["IncrementalExportSpecification"],
                             desc["IncrementalExportSpecification"])
            check = verify_export.ExportCheck(verify_export.S3Store("held-bucket", moto.url),
                                              final["ExportManifest"])
            check.run()
            self.assertEqual(exported(check), expected)
        finally:
            self.server.stop()
            self.server.extra_args = saved
            self.start_again()
            proxy.close()
            moto.stop()
