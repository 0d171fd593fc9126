// Incremental export records (spec §2.3): the lines AWS wrote, byte for byte, from the items as
// storage keeps them (attributes in write order, which the images sort).

#include "export/change_record.h"

#include <gtest/gtest.h>

#include <string>

namespace tideline::exporter {
namespace {

common::KeySchema PkSk() {
  common::KeySchema keys;
  keys.hash_name = "pk";
  keys.range_name = "sk";
  return keys;
}

std::string Line(const ItemChange& change, bool with_old = true, bool ion = false) {
  std::string out;
  Status s = AppendChangeLine(change, PkSk(), with_old, ion, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// gurre/ddb-pitr's second incremental export (NEW_AND_OLD_IMAGES): an update and a delete.
TEST(ChangeRecord, AwsUpdateAndDeleteLines) {
  ItemChange update;
  update.write_timestamp_us = 1768387673917155;
  update.old_image = R"({"pk":{"S":"1"},"sk":{"S":"3"},"test2":{"S":"2"},"test1":{"S":"1"}})";
  update.new_image = R"({"pk":{"S":"1"},"sk":{"S":"3"},"test2":{"S":"2"},"test1":{"S":"1"},)"
                     R"("bin_update":{"BS":["0000","0001"]}})";
  EXPECT_EQ(Line(update),
            R"({"Metadata":{"WriteTimestampMicros":{"N":"1768387673917155"}},)"
            R"("Keys":{"pk":{"S":"1"},"sk":{"S":"3"}},"OldImage":{"pk":{"S":"1"},"sk":{"S":"3"},)"
            R"("test1":{"S":"1"},"test2":{"S":"2"}},"NewImage":{"bin_update":{"BS":["0000",)"
            R"("0001"]},"pk":{"S":"1"},"sk":{"S":"3"},"test1":{"S":"1"},"test2":{"S":"2"}}})"
            "\n");
  ItemChange del;
  del.write_timestamp_us = 1768387654350448;
  del.old_image = R"({"pk":{"S":"1"},"sk":{"S":"1"},"test":{"S":"test"}})";
  EXPECT_EQ(Line(del), R"({"Metadata":{"WriteTimestampMicros":{"N":"1768387654350448"}},)"
                       R"("Keys":{"pk":{"S":"1"},"sk":{"S":"1"}},"OldImage":{"pk":{"S":"1"},)"
                       R"("sk":{"S":"1"},"test":{"S":"test"}}})"
                       "\n");
}

// The first export's insert.
TEST(ChangeRecord, AwsInsertLine) {
  ItemChange insert;
  insert.write_timestamp_us = 1768386096366933;
  insert.new_image = R"({"sk":{"S":"1"},"test":{"S":"test2"},"pk":{"S":"2"}})";
  EXPECT_EQ(Line(insert), R"({"Metadata":{"WriteTimestampMicros":{"N":"1768386096366933"}},)"
                          R"("Keys":{"pk":{"S":"2"},"sk":{"S":"1"}},"NewImage":{"pk":{"S":"2"},)"
                          R"("sk":{"S":"1"},"test":{"S":"test2"}}})"
                          "\n");
}

TEST(ChangeRecord, NewImageViewLeavesOutOldImagesAndADeleteIsKeysOnly) {
  ItemChange update;
  update.write_timestamp_us = 7;
  update.old_image = R"({"pk":{"S":"a"},"sk":{"S":"b"},"v":{"N":"1"}})";
  update.new_image = R"({"pk":{"S":"a"},"sk":{"S":"b"},"v":{"N":"2"}})";
  EXPECT_EQ(Line(update, /*with_old=*/false),
            R"({"Metadata":{"WriteTimestampMicros":{"N":"7"}},"Keys":{"pk":{"S":"a"},)"
            R"("sk":{"S":"b"}},"NewImage":{"pk":{"S":"a"},"sk":{"S":"b"},"v":{"N":"2"}}})"
            "\n");
  ItemChange del;
  del.write_timestamp_us = 8;
  del.old_image = update.old_image;
  EXPECT_EQ(Line(del, /*with_old=*/false),
            R"({"Metadata":{"WriteTimestampMicros":{"N":"8"}},"Keys":{"pk":{"S":"a"},)"
            R"("sk":{"S":"b"}}})"
            "\n");
}

TEST(ChangeRecord, IonLineIsTheSameRecordInIonText) {
  ItemChange update;
  update.write_timestamp_us = 1768387673917000;
  update.old_image = R"({"pk":{"S":"1"},"sk":{"S":"3"},"n":{"N":"600"}})";
  update.new_image = R"({"pk":{"S":"1"},"sk":{"S":"3"},"b":{"B":"aGk="}})";
  EXPECT_EQ(Line(update, true, /*ion=*/true),
            "$ion_1_0 {Metadata:{WriteTimestampMicros:1768387673917d3},Keys:{pk:\"1\",sk:\"3\"},"
            "OldImage:{n:6d2,pk:\"1\",sk:\"3\"},NewImage:{b:{{aGk=}},pk:\"1\",sk:\"3\"}}\n");
}

TEST(ChangeRecord, ABrokenImageIsAnErrorAndWritesNothing) {
  std::string out = "kept";
  ItemChange bad;
  bad.new_image = R"({"sk":{"S":"1"}})";  // no pk
  EXPECT_FALSE(AppendChangeLine(bad, PkSk(), true, false, &out).ok());
  bad.new_image = "not json";
  EXPECT_FALSE(AppendChangeLine(bad, PkSk(), true, true, &out).ok());
  ItemChange none;
  EXPECT_FALSE(AppendChangeLine(none, PkSk(), true, false, &out).ok());
  EXPECT_EQ(out, "kept");
}

}  // namespace
}  // namespace tideline::exporter
