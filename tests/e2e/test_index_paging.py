"""Paging through indexes (shared/spec/indexes.md §4.6, §4.7): LastEvaluatedKey = index keys +
table keys, ExclusiveStartKey checked the same way, pages across equal index keys without loss,
Limit, reverse order and the 1 MB page limit counted on projected sizes."""

from index_read_support import IndexTestCase, n, plain, s, with_plain_items


class IndexPaging(IndexTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.table = cls.create_indexed_table(
            {"pk": "S", "sk": "N", "g": "S", "r": "N", "l": "N"}, ("pk", "sk"),
            gsis={"by_g": ("g", "r", "ALL"), "keys_g": ("g", "r", "KEYS_ONLY")},
            lsis={"by_l": ("pk", "l", "ALL")})
        items = []
        # Ten items with one GSI key (g=tie, r=1): equal index keys, paged without loss.
        for i in range(10):
            items.append({"pk": s(f"t{i}"), "sk": n(0), "g": s("tie"), "r": n(1)})
        # Forty items over two table partitions, g=ord, r=i.
        for i in range(40):
            items.append({"pk": s(f"q{i % 2}"), "sk": n(i), "g": s("ord"), "r": n(i),
                          "l": n(i % 4)})
        cls.put_items(cls.table, items)

    def query(self, index, expr, values, **kw):
        return dict(TableName=self.table, IndexName=index, KeyConditionExpression=expr,
                    ExpressionAttributeValues=values, **kw)

    def test_ties_page_without_loss(self):
        for limit in (1, 3, 6):
            with self.subTest(limit=limit):
                pages = self.pages("query", **self.query("by_g", "g = :g", {":g": s("tie")},
                                                         Limit=limit))
                pks = [i["pk"] for p in pages for i in p["Items"]]
                self.assertEqual(sorted(pks), sorted(f"t{i}" for i in range(10)))
                self.assertEqual(pages[0]["LastEvaluatedKey"].keys(), {"pk", "sk", "g", "r"})
        forward = [i["pk"] for i in self.all_items("query", **self.query(
            "by_g", "g = :g", {":g": s("tie")}, Limit=4))]
        backward = [i["pk"] for i in self.all_items("query", **self.query(
            "by_g", "g = :g", {":g": s("tie")}, Limit=4, ScanIndexForward=False))]
        self.assertEqual(backward, forward[::-1])

    def test_limit_and_reverse(self):
        for forward in (True, False):
            with self.subTest(forward=forward):
                pages = self.pages("query", **self.query(
                    "keys_g", "g = :g AND r >= :r", {":g": s("ord"), ":r": n(5)}, Limit=7,
                    ScanIndexForward=forward))
                rs = [int(i["r"]) for p in pages for i in p["Items"]]
                expected = list(range(5, 40))
                self.assertEqual(rs, expected if forward else expected[::-1])
                self.assertEqual(len(pages[0]["Items"]), 7)
                self.assertEqual(plain(pages[0]["LastEvaluatedKey"]),
                                 {"pk": pages[0]["Items"][-1]["pk"],
                                  "sk": pages[0]["Items"][-1]["sk"],
                                  "g": "ord", "r": pages[0]["Items"][-1]["r"]})

    def test_lsi_paging(self):
        pages = self.pages("query", **self.query("by_l", "pk = :p", {":p": s("q0")}, Limit=3))
        ls = [(int(i["l"]), int(i["sk"])) for p in pages for i in p["Items"]]
        self.assertEqual([l for l, _ in ls], sorted(l for l, _ in ls))
        self.assertEqual(sorted(sk for _, sk in ls), list(range(0, 40, 2)))
        self.assertEqual(pages[0]["LastEvaluatedKey"].keys(), {"pk", "sk", "l"})

    def test_scan_paging(self):
        # (test_one_megabyte_pages_on_projected_sizes may have added items g=big.)
        items = [i for i in self.all_items("scan", TableName=self.table, IndexName="keys_g",
                                           Limit=6) if i["g"] != "big"]
        self.assertEqual(len(items), 50)
        self.assertEqual(len({(i["pk"], i["sk"]) for i in items}), 50)
        items = self.all_items("scan", TableName=self.table, IndexName="by_l", Limit=6)
        self.assertEqual(len(items), 40)

    def test_exclusive_start_key_checks(self):
        q = self.query("by_g", "g = :g", {":g": s("ord")})
        good = {"pk": s("q0"), "sk": n(4), "g": s("ord"), "r": n(4)}
        resumed = with_plain_items(self.client.query(**q, ExclusiveStartKey=good))["Items"]
        self.assertEqual([int(i["r"]) for i in resumed], list(range(5, 40)))
        for bad in ({k: v for k, v in good.items() if k != "r"},
                    {k: v for k, v in good.items() if k != "pk"},
                    dict(good, extra=s("x"))):
            with self.subTest(start=sorted(bad)):
                with self.assertValidation("The provided starting key is invalid"):
                    self.client.query(**q, ExclusiveStartKey=bad)
        with self.assertValidation(contains="The provided key element does not match the schema"):
            self.client.query(**q, ExclusiveStartKey=dict(good, r=s("4")))
        with self.assertValidation("The provided starting key is outside query boundaries based "
                                   "on provided conditions"):
            self.client.query(**q, ExclusiveStartKey=dict(good, g=s("tie")))
        with self.assertValidation("The provided starting key does not match the range key "
                                   "predicate"):
            self.client.query(**self.query("by_g", "g = :g AND r > :r",
                                           {":g": s("ord"), ":r": n(10)}),
                              ExclusiveStartKey=good)
        with self.assertValidation("The provided starting key is invalid"):
            self.client.scan(TableName=self.table, IndexName="by_g",
                             ExclusiveStartKey={"pk": s("q0"), "sk": n(4)})

    # The page limit counts the projected entries: a KEYS_ONLY index of large items reads them
    # all in one page, the ALL index pages at 1 MB.
    def test_one_megabyte_pages_on_projected_sizes(self):
        big = "x" * 300_000
        self.put_items(self.table, [{"pk": s(f"b{i}"), "sk": n(0), "g": s("big"), "r": n(i),
                                     "v": s(big)} for i in range(8)])
        keys_only = self.client.query(**self.query("keys_g", "g = :g", {":g": s("big")}))
        self.assertEqual(keys_only["Count"], 8)
        self.assertNotIn("LastEvaluatedKey", keys_only)
        pages = self.pages("query", **self.query("by_g", "g = :g", {":g": s("big")}))
        self.assertEqual([p["Count"] for p in pages], [4, 4])
        self.assertEqual(sum(p["Count"] for p in pages), 8)
