"""What an export contains: exactly the newest version at or before ExportTime of every item,
in DYNAMODB_JSON and in ION, item by item, every attribute type.

Facts: shared/spec/export-and-pitr.md §2.1 (DYNAMODB_JSON lines), §2.2 (ION), §4.1 (ExportTime:
"The table export will be a snapshot of the table's state at this point in time"), §5
("consistency", "window"). ION files are read with Amazon's ion-js (tools/ion-check/check.js).
"""

import datetime
import gzip
import time

from export_support import (ExportTestCase, canonical, epoch_ms, ensure_ion_check,
                            sleep_past_next_second, time_after_last_write, wire)


def all_types_item(i):
    """An item with every DynamoDB type, numbers at the edges of DynamoDB's range, binaries,
    empty values and attribute names that Ion must quote."""
    return {
        "pk": {"S": f"item{i}"},
        "sk": {"N": str(i)},
        "s": {"S": f"text {i} \u00fcn\u00efc\u00f6d\u00e9 \U0001F600 \"q\" 'a' back\\slash\n\t\x01\x7f"},
        "empty_s": {"S": ""},
        "n_int": {"N": str(i * 1000)},
        "n_dec": {"N": "-12.5"},
        "n_38_digits": {"N": "12345678901234567890123456789012345678"},
        "n_small": {"N": "0.00000000000000000000000000000000000001"},
        "n_max": {"N": "9.9999999999999999999999999999999999999E+125"},
        "n_min": {"N": "-1E-130"},
        "n_not_canonical": {"N": "0012.50"},
        "n_zero": {"N": "0.000"},
        "b": {"B": bytes([0, 1, 2, 255, 128, 10, i % 256])},
        "b_empty": {"B": b""},
        "t": {"BOOL": True},
        "f": {"BOOL": False},
        "z": {"NULL": True},
        "ss": {"SS": ["a", "b", "\u00fcn\u00ef", f"s{i}", ""]},
        "ns": {"NS": ["1", "-2.5", "1E+10", "0.001", str(i + 100)]},
        "bs": {"BS": [b"\x00", b"\xff\xfe", b"x" + bytes([i])]},
        "l": {"L": [{"S": "x"}, {"N": "1.0"}, {"NULL": True}, {"L": []}, {"M": {}},
                    {"B": b"\x01"}, {"SS": ["q"]}, {"BOOL": False},
                    {"L": [{"L": [{"N": "-0.5"}]}]}]},
        "m": {"M": {"nested": {"M": {"deeper": {"L": [{"M": {"k": {"N": "3.14"}}}]}}},
                    "with space": {"S": "v"}, "null": {"NULL": True}, "ns": {"NS": ["7"]},
                    "bs": {"BS": [b"\x00"]}}},
        "empty_l": {"L": []},
        "empty_m": {"M": {}},
        # Ion needs quoted symbols for these (§2.2: identifiers are [A-Za-z_$][A-Za-z0-9_$]*,
        # not null/nan/true/false, not $<digits>).
        "with space": {"S": "1"},
        "null": {"S": "2"},
        "true": {"S": "3"},
        "false": {"S": "4"},
        "nan": {"S": "5"},
        "$123": {"S": "6"},
        "123abc": {"S": "7"},
        "a-b.c": {"S": "8"},
        "\u00fcml\u00e4ut": {"S": "9"},
        "it's \"q\"": {"S": "10"},
        "$plain_id_$": {"S": "11"},
        "_under": {"S": "12"},
    }


class ExportContents(ExportTestCase):

    @classmethod
    def _create_class_tables(cls):
        ensure_ion_check()
        cls.bucket = cls.make_bucket()

    def export_items(self, table, timeout=30, **kw):
        """Exports `table` (kw as for ExportTableToPointInTime), checks the objects and returns
        (description, canonical items)."""
        desc = self.export_and_wait(table, self.bucket, timeout=timeout, **kw)
        self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
        export_time = kw.get("ExportTime")
        ms = None
        if export_time is not None:
            ms = epoch_ms(export_time) if isinstance(export_time, datetime.datetime) \
                else round(export_time * 1000)
        contents = self.check_local_export(table, desc, export_time_ms=ms)
        return desc, contents.items

    def test_every_type_round_trips_in_dynamodb_json(self):
        # §2.1: each line is {"Item":{...}} in DynamoDB wire JSON: S/N as strings, B/BS base64,
        # BOOL, NULL:true, SS/NS/BS arrays, L arrays, M objects. Numbers are exported as
        # DynamoDB stores them (canonical: "0012.50" is 12.5), sets in any order.
        table = self.create_pitr_table(("pk", "S"), ("sk", "N"))
        items = [all_types_item(i) for i in range(12)]
        self.put_items(table, items)
        desc, got = self.export_items(table)
        self.assertEqual(desc["ItemCount"], 12)
        self.assertSameItems(got, [canonical(wire(i)) for i in items])
        self.assertSameItems(got, self.scan_wire(table))

    def test_every_type_round_trips_in_ion(self):
        # §2.2: ION text, one "$ion_1_0 {Item:{...}}" per line; N is an Ion decimal (exact),
        # B a blob, SS/NS/BS lists annotated $dynamodb_SS/NS/BS, L list, M struct; names that
        # are not identifiers are quoted symbols. ion-js must read back exactly what was written.
        table = self.create_pitr_table(("pk", "S"), ("sk", "N"))
        items = [all_types_item(i) for i in range(12)]
        self.put_items(table, items)
        desc, got = self.export_items(table, ExportFormat="ION")
        self.assertEqual(desc["ExportFormat"], "ION")
        self.assertEqual(desc["ItemCount"], 12)
        self.assertSameItems(got, [canonical(wire(i)) for i in items])

    def test_ion_numbers_are_decimals_in_normalized_form(self):
        # §2.2, the documented example: N "103" is written 103., "600" is 6d2, "2000" is 2d3
        # (trailing zeros go into the exponent). Whatever the spelling, ion-js must read back
        # the exact decimal (checked by test_every_type_round_trips_in_ion); this pins the
        # documented spellings.
        table = self.create_pitr_table()
        self.client.put_item(TableName=table, Item={
            "pk": {"S": "n"}, "a": {"N": "103"}, "b": {"N": "600"}, "c": {"N": "2000"}})
        desc = self.export_and_wait(table, self.bucket, ExportFormat="ION")
        contents = self.check_local_export(table, desc)
        text = b"".join(gzip.decompress(d) for d in contents.data.values()).decode()
        self.assertIn("a:103.", text)
        self.assertIn("b:6d2", text)
        self.assertIn("c:2d3", text)

    def test_binary_keys(self):
        # Key attributes of every type export like any other attribute.
        table = self.create_pitr_table(("pk", "B"), ("sk", "S"))
        items = [{"pk": {"B": bytes([i, 0, 255])}, "sk": {"S": f"s{i}"}, "v": {"N": str(i)}}
                 for i in range(10)]
        self.put_items(table, items)
        for fmt in ("DYNAMODB_JSON", "ION"):
            with self.subTest(fmt=fmt):
                _, got = self.export_items(table, ExportFormat=fmt)
                self.assertSameItems(got, [canonical(wire(i)) for i in items])

    def test_ten_items_export_completes_quickly(self):
        # A small table exports in well under a few seconds here (AWS takes minutes, §5
        # "duration"); polled with a generous timeout rather than timed.
        table = self.create_pitr_table()
        items = [{"pk": {"S": f"k{i}"}, "v": {"S": "x" * i}} for i in range(10)]
        self.put_items(table, items)
        desc, got = self.export_items(table, timeout=30)
        self.assertEqual(desc["ItemCount"], 10)
        self.assertSameItems(got, [canonical(wire(i)) for i in items], ("pk",))

    def test_export_at_a_past_time_has_the_newest_version_at_or_before_it(self):
        # Model: ExportTime is the "Time in the past from which to export table data ... The
        # table export will be a snapshot of the table's state at this point in time." (§4.1).
        # So items written after ExportTime are absent, items deleted after it are present in
        # their last version before it, items deleted before it are absent (§5 "window").
        # boto3 sends ExportTime in whole seconds, so the phases are separated by second marks.
        table = self.create_pitr_table(("pk", "S"), ("sk", "N"))
        state = {}

        def put(item):
            self.client.put_item(TableName=table, Item=item)
            state[(item["pk"]["S"], item["sk"]["N"])] = canonical(wire(item))

        def update(pk, sk, expr, values=None, names=None):
            kw = {"ExpressionAttributeValues": values} if values else {}
            if names:
                kw["ExpressionAttributeNames"] = names
            new = self.client.update_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"N": sk}},
                                          UpdateExpression=expr, ReturnValues="ALL_NEW",
                                          **kw)["Attributes"]
            state[(pk, sk)] = canonical(wire(new))

        def delete(pk, sk):
            self.client.delete_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"N": sk}})
            state.pop((pk, sk), None)

        # Phase 1.
        for i in range(10):
            put(all_types_item(i))
        put({"pk": {"S": "b"}, "sk": {"N": "1"}, "v": {"S": "b version 1"}, "n": {"N": "1"},
             "extra": {"S": "removed in phase 2"}})
        put({"pk": {"S": "c"}, "sk": {"N": "1"}, "v": {"S": "deleted in phase 2"}})
        put({"pk": {"S": "d"}, "sk": {"N": "1"}, "v": {"S": "deleted in phase 1"}})
        delete("d", "1")
        update("item3", "3", "SET s = :s REMOVE t, l", {":s": {"S": "item3 version 2"}})
        update("b", "1", "ADD n :one", {":one": {"N": "1"}})
        t1 = sleep_past_next_second()
        state_t1 = list(state.values())

        # Phase 2.
        update("b", "1", "SET v = :v, #new = :list ADD n :ten REMOVE extra",
               {":v": {"S": "b version 3"}, ":list": {"L": [{"N": "1"}]}, ":ten": {"N": "10"}},
               {"#new": "added"})
        delete("c", "1")
        put({"pk": {"S": "d"}, "sk": {"N": "1"}, "v": {"S": "d is back"}})
        put({"pk": {"S": "e"}, "sk": {"N": "1"}, "v": {"S": "new in phase 2"}})
        put({"pk": {"S": "item0"}, "sk": {"N": "0"}, "only": {"S": "replaced whole"}})
        for i in range(5, 10):
            delete(f"item{i}", str(i))
        t2 = sleep_past_next_second()
        state_t2 = list(state.values())

        # Phase 3.
        delete("b", "1")
        update("e", "1", "SET v = :v", {":v": {"S": "e version 2"}})
        put({"pk": {"S": "f"}, "sk": {"N": "1"}})
        state_now = list(state.values())

        at = datetime.datetime.fromtimestamp(t1, datetime.timezone.utc)
        desc, got = self.export_items(table, ExportTime=at)
        self.assertEqual(desc["ExportTime"].timestamp(), t1)
        self.assertEqual(desc["ItemCount"], len(state_t1))
        self.assertSameItems(got, state_t1)

        _, got = self.export_items(table, ExportTime=t2, ExportFormat="ION")
        self.assertSameItems(got, state_t2)

        _, got = self.export_items(table)
        self.assertSameItems(got, state_now)
        self.assertSameItems(got, self.scan_wire(table))

        # The first export again, after all that: still the same snapshot.
        _, got = self.export_items(table, ExportTime=at)
        self.assertSameItems(got, state_t1)

    def test_every_version_of_one_item_at_millisecond_precision(self):
        # ExportTime is a timestamp (epoch seconds, fractions allowed on the wire, §4.0). An
        # export between two writes of the same item has the earlier one; a time between a
        # delete and a re-put has no item at all.
        table = self.create_pitr_table()
        other = {"pk": {"S": "stable"}, "v": {"S": "never changes"}}
        self.client.put_item(TableName=table, Item=other)
        versions = []  # (time, item or None)
        for i in range(8):
            if i == 4:
                self.client.delete_item(TableName=table, Key={"pk": {"S": "x"}})
                versions.append((time_after_last_write(), None))
                continue
            item = {"pk": {"S": "x"}, "version": {"N": str(i)}, "pad": {"S": "p" * i}}
            if i % 2:
                item["odd"] = {"BOOL": True}
            self.client.put_item(TableName=table, Item=item)
            versions.append((time_after_last_write(), item))
        arn = self.table_arn(table)
        for t, item in versions:
            with self.subTest(t=t, version=item and item["version"]["N"]):
                resp = self.raw_export({"TableArn": arn, "S3Bucket": self.bucket,
                                        "ExportTime": t})
                self.assertEqual(resp.status, 200, resp)
                desc = self.wait_export(resp.json()["ExportDescription"]["ExportArn"])
                self.assertEqual(epoch_ms(desc["ExportTime"]), round(t * 1000))
                got = self.check_local_export(table, desc, export_time_ms=round(t * 1000)).items
                expected = [canonical(wire(other))] + ([canonical(wire(item))] if item else [])
                self.assertSameItems(got, expected, ("pk",))

    def test_export_time_omitted_means_now(self):
        # [REAL] When no ExportTime was requested, exportTime == startTime (§1.4), and every
        # write acknowledged before the request is in the export ([DOC] HowItWorks: "the output
        # is guaranteed to contain all data committed to the table up to" the request, §5).
        table = self.create_pitr_table()
        items = [{"pk": {"S": f"k{i}"}, "v": {"N": str(i)}} for i in range(50)]
        self.put_items(table, items)
        self.client.delete_item(TableName=table, Key={"pk": {"S": "k7"}})
        self.client.put_item(TableName=table, Item={"pk": {"S": "last"}, "v": {"N": "-1"}})
        desc, got = self.export_items(table)
        self.assertEqual(desc["ExportTime"], desc["StartTime"])
        expected = [canonical(wire(i)) for i in items if i["pk"]["S"] != "k7"]
        expected.append(canonical(wire({"pk": {"S": "last"}, "v": {"N": "-1"}})))
        self.assertSameItems(got, expected, ("pk",))

    def test_writes_during_an_export_do_not_change_it(self):
        # An export is a snapshot at ExportTime (§4.1): whatever is written while it runs is not
        # in it. (test_export_s3.py holds an export open deterministically; this one races the
        # local sink with a table large enough to take a moment.)
        table = self.create_pitr_table()
        items = [{"pk": {"S": f"k{i:05d}"}, "v": {"S": "v" * 1000}} for i in range(3000)]
        self.put_items(table, items)
        desc = self.start_export(table, self.bucket)
        for i in range(0, 3000, 7):
            self.client.delete_item(TableName=table, Key={"pk": {"S": f"k{i:05d}"}})
        for i in range(1, 3000, 11):
            self.client.put_item(TableName=table, Item={"pk": {"S": f"k{i:05d}"},
                                                        "v": {"S": "changed"}})
        self.client.put_item(TableName=table, Item={"pk": {"S": "new"}})
        desc = self.wait_export(desc["ExportArn"], timeout=60)
        got = self.check_local_export(table, desc).items
        self.assertEqual(len(got), 3000)
        self.assertSameItems(got, [canonical(wire(i)) for i in items], ("pk",))

    def test_larger_table_every_item_exactly_once(self):
        # "The export creates at least 1 file per partition" (§1.1): however the server splits a
        # table into data files, every item is in exactly one of them and the counts add up.
        table = self.create_pitr_table(("pk", "S"), ("sk", "N"))
        items = [{"pk": {"S": f"p{i % 97}"}, "sk": {"N": str(i)}, "pad": {"S": "z" * 900},
                  "b": {"B": bytes([i % 256]) * 20}} for i in range(6000)]
        self.put_items(table, items)
        for fmt in ("DYNAMODB_JSON", "ION"):
            with self.subTest(fmt=fmt):
                desc, got = self.export_items(table, timeout=120, ExportFormat=fmt)
                self.assertEqual(desc["ItemCount"], 6000)
                self.assertSameItems(got, [canonical(wire(i)) for i in items])

    def test_recreated_table_exports_only_its_own_items(self):
        # A table deleted and created again under the same name is a new table (new TableId):
        # its exports never show the old table's items, and its PITR window starts afresh.
        table = self.create_pitr_table()
        self.client.put_item(TableName=table, Item={"pk": {"S": "old"}})
        old_earliest = self.pitr(table)["EarliestRestorableDateTime"]
        self.client.delete_table(TableName=table)
        self.client.get_waiter("table_not_exists").wait(
            TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        time.sleep(1.1)
        self.create_table(name=table)
        self.assertEqual(self.pitr(table)["PointInTimeRecoveryStatus"], "DISABLED")
        self.enable_pitr(table)
        self.client.put_item(TableName=table, Item={"pk": {"S": "new"}})
        _, got = self.export_items(table)
        self.assertSameItems(got, [{"pk": {"S": "new"}}], ("pk",))
        with self.assertApiError("InvalidExportTimeException"):
            self.start_export(table, self.bucket, ExportTime=old_earliest)
