// Manifests reproduced byte for byte from real AWS exports (spec §1.4, §1.5; the files are
// gurre/ddb-pitr s3exportdata/ and scylladb/scylla-migrator tests/.../dynamodb-export/).

#include "export/manifest.h"

#include <gtest/gtest.h>

#include <ctime>
#include <random>

#include "aws/crypto.h"

namespace tideline::exporter {
namespace {

constexpr char kEmptyMd5[] = "FjvgqIxwymKf1RbbqtrZag==";
constexpr char kEmptyEtag[] = "7deb4078f238dd87d6af0538152c04e9-1";

TEST(ExportFmtManifest, FilesOfRealFullExport) {
  const std::string id = "AWSDynamoDB/01768385930622-efd1a093/data/";
  const std::string built = BuildManifestFiles({
      {0, kEmptyMd5, kEmptyEtag, id + "zqp435kgma323mmasy7jmciuje.json.gz"},
      {3, "y+zg5fVeudb3R3DOQ+RKgA==", "b5443265c5e545b6c8d8275e0b6f8c15-1",
       id + "5mrfg3b44e3vhnfickkozoym6a.json.gz"},
      {0, kEmptyMd5, kEmptyEtag, id + "t7sisheiy44edlhcrjd5zqoudu.json.gz"},
      {0, kEmptyMd5, kEmptyEtag, id + "erajd3hco442njqter3ahrxn3e.json.gz"},
  });
  const std::string real =
      "{\"itemCount\":0,\"md5Checksum\":\"FjvgqIxwymKf1RbbqtrZag==\",\"etag\":"
      "\"7deb4078f238dd87d6af0538152c04e9-1\",\"dataFileS3Key\":\"AWSDynamoDB/"
      "01768385930622-efd1a093/data/zqp435kgma323mmasy7jmciuje.json.gz\"}\n"
      "{\"itemCount\":3,\"md5Checksum\":\"y+zg5fVeudb3R3DOQ+RKgA==\",\"etag\":"
      "\"b5443265c5e545b6c8d8275e0b6f8c15-1\",\"dataFileS3Key\":\"AWSDynamoDB/"
      "01768385930622-efd1a093/data/5mrfg3b44e3vhnfickkozoym6a.json.gz\"}\n"
      "{\"itemCount\":0,\"md5Checksum\":\"FjvgqIxwymKf1RbbqtrZag==\",\"etag\":"
      "\"7deb4078f238dd87d6af0538152c04e9-1\",\"dataFileS3Key\":\"AWSDynamoDB/"
      "01768385930622-efd1a093/data/t7sisheiy44edlhcrjd5zqoudu.json.gz\"}\n"
      "{\"itemCount\":0,\"md5Checksum\":\"FjvgqIxwymKf1RbbqtrZag==\",\"etag\":"
      "\"7deb4078f238dd87d6af0538152c04e9-1\",\"dataFileS3Key\":\"AWSDynamoDB/"
      "01768385930622-efd1a093/data/erajd3hco442njqter3ahrxn3e.json.gz\"}\n";
  EXPECT_EQ(built, real);
  // The real manifest-files.md5 of that export.
  EXPECT_EQ(Md5Base64(built), "28wsUe8cuLOHoBhSQNQ2zw==");
}

TEST(ExportFmtManifest, FilesOfRealIncrementalExport) {
  const std::string built = BuildManifestFiles({
      {3, "c2c8Ly/xdhzeH92qunsAvQ==", "cadeac813d83753935d9e4aae8c4427f-1",
       "AWSDynamoDB/data/u2wov2dg246wzitouzsnk6jbd4.json.gz"},
      {0, kEmptyMd5, kEmptyEtag, "AWSDynamoDB/data/vortt3w45u2w7glaexsiwnz4li.json.gz"},
      {0, kEmptyMd5, kEmptyEtag, "AWSDynamoDB/data/auzjitnisa6dlortcics46chxq.json.gz"},
      {3, "wRro6GGraOJMeeLLvHa6Zg==", "20aef9b39b7b3bf37592c3c34fbbbe91-1",
       "AWSDynamoDB/data/z2grmkfehu6e5phyeuxxtu6xve.json.gz"},
  });
  EXPECT_EQ(Md5Base64(built), "rSL0ijV5efcQLOz0PfdnmA==");  // its real manifest-files.md5
  EXPECT_EQ(built.substr(0, built.find('\n') + 1),
            "{\"itemCount\":3,\"md5Checksum\":\"c2c8Ly/xdhzeH92qunsAvQ==\",\"etag\":"
            "\"cadeac813d83753935d9e4aae8c4427f-1\",\"dataFileS3Key\":\"AWSDynamoDB/data/"
            "u2wov2dg246wzitouzsnk6jbd4.json.gz\"}\n");
}

TEST(ExportFmtManifest, FilesEmptyList) { EXPECT_EQ(BuildManifestFiles({}), ""); }

ManifestSummary GurreFull() {
  ManifestSummary s;
  s.export_arn =
      "arn:aws:dynamodb:eu-north-1:123456789123:table/test/export/01768385930622-efd1a093";
  s.start_time_ms = 1768385930622;
  s.end_time_ms = 1768386298984;
  s.table_arn = "arn:aws:dynamodb:eu-north-1:123456789123:table/test";
  s.table_id = "cf263806-6bf1-4e51-a242-7067dcdecc72";
  s.export_time_ms = 1768385930622;
  s.s3_bucket = "test-1231x1x";
  s.manifest_files_s3_key = "AWSDynamoDB/01768385930622-efd1a093/manifest-files.json";
  s.billed_size_bytes = 0;
  s.item_count = 3;
  return s;
}

TEST(ExportFmtManifest, SummaryOfRealFullExport) {
  EXPECT_EQ(
      BuildManifestSummary(GurreFull()),
      R"({"version":"2020-06-30","exportArn":"arn:aws:dynamodb:eu-north-1:123456789123:table/test/export/01768385930622-efd1a093","startTime":"2026-01-14T10:18:50.622Z","endTime":"2026-01-14T10:24:58.984Z","tableArn":"arn:aws:dynamodb:eu-north-1:123456789123:table/test","tableId":"cf263806-6bf1-4e51-a242-7067dcdecc72","exportTime":"2026-01-14T10:18:50.622Z","s3Bucket":"test-1231x1x","s3Prefix":null,"s3SseAlgorithm":"AES256","s3SseKmsKeyId":null,"manifestFilesS3Key":"AWSDynamoDB/01768385930622-efd1a093/manifest-files.json","billedSizeBytes":0,"itemCount":3,"outputFormat":"DYNAMODB_JSON"})");
}

TEST(ExportFmtManifest, SummaryOfRealExportWithPrefix) {
  ManifestSummary s;
  s.export_arn =
      "arn:aws:dynamodb:eu-central-1:164221962816:table/S3ExportTest/export/"
      "01715685260608-c488b4e1";
  s.start_time_ms = 1715685260608;
  s.end_time_ms = 1715685566869;
  s.table_arn = "arn:aws:dynamodb:eu-central-1:164221962816:table/S3ExportTest";
  s.table_id = "11991185-e7ab-4da5-8bab-03f0db0b7bfd";
  s.export_time_ms = 1715685260608;
  s.s3_bucket = "test-bucket";
  s.s3_prefix = "dynamodb-export";
  s.manifest_files_s3_key =
      "dynamodb-export/AWSDynamoDB/01715685260608-c488b4e1/manifest-files.json";
  s.billed_size_bytes = 19;
  s.item_count = 3;
  // scylla-migrator's copy ends in "\n" (added in that repo); gurre's files show AWS writes none.
  EXPECT_EQ(
      BuildManifestSummary(s),
      R"({"version":"2020-06-30","exportArn":"arn:aws:dynamodb:eu-central-1:164221962816:table/S3ExportTest/export/01715685260608-c488b4e1","startTime":"2024-05-14T11:14:20.608Z","endTime":"2024-05-14T11:19:26.869Z","tableArn":"arn:aws:dynamodb:eu-central-1:164221962816:table/S3ExportTest","tableId":"11991185-e7ab-4da5-8bab-03f0db0b7bfd","exportTime":"2024-05-14T11:14:20.608Z","s3Bucket":"test-bucket","s3Prefix":"dynamodb-export","s3SseAlgorithm":"AES256","s3SseKmsKeyId":null,"manifestFilesS3Key":"dynamodb-export/AWSDynamoDB/01715685260608-c488b4e1/manifest-files.json","billedSizeBytes":19,"itemCount":3,"outputFormat":"DYNAMODB_JSON"})");
}

TEST(ExportFmtManifest, SummaryOfRealIncrementalExport) {
  ManifestSummary s = GurreFull();
  s.incremental = true;
  s.export_arn =
      "arn:aws:dynamodb:eu-north-1:123456789123:table/test/export/01768386924000-d339e52d";
  s.start_time_ms = 1768386924000;
  s.end_time_ms = 1768387227622;
  s.export_from_time_ms = 1768386000000;
  s.export_to_time_ms = 1768386900000;
  s.manifest_files_s3_key = "AWSDynamoDB/01768386924000-d339e52d/manifest-files.json";
  s.billed_size_bytes = 10000000;
  s.item_count = 6;
  EXPECT_EQ(
      BuildManifestSummary(s),
      R"({"version":"2023-08-01","exportArn":"arn:aws:dynamodb:eu-north-1:123456789123:table/test/export/01768386924000-d339e52d","startTime":"2026-01-14T10:35:24.000Z","endTime":"2026-01-14T10:40:27.622Z","tableArn":"arn:aws:dynamodb:eu-north-1:123456789123:table/test","tableId":"cf263806-6bf1-4e51-a242-7067dcdecc72","exportFromTime":"2026-01-14T10:20:00.000Z","exportToTime":"2026-01-14T10:35:00.000Z","s3Bucket":"test-1231x1x","s3Prefix":null,"s3SseAlgorithm":"AES256","s3SseKmsKeyId":null,"manifestFilesS3Key":"AWSDynamoDB/01768386924000-d339e52d/manifest-files.json","billedSizeBytes":10000000,"itemCount":6,"outputFormat":"DYNAMODB_JSON","outputView":"NEW_AND_OLD_IMAGES","exportType":"INCREMENTAL_EXPORT"})");
}

TEST(ExportFmtManifest, SummaryIonKmsAndEscaping) {
  ManifestSummary s = GurreFull();
  s.output_format = "ION";
  s.s3_sse_algorithm = "KMS";
  s.s3_sse_kms_key_id = "arn:aws:kms:eu-north-1:123456789123:key/abc";
  s.s3_prefix = "we\"ird\\/pr\xc3\xa9\x01";
  const std::string out = BuildManifestSummary(s);
  EXPECT_NE(out.find(R"("s3Prefix":"we\"ird\\/pr)"
                     "\xc3\xa9"
                     R"(\u0001")"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(R"("s3SseAlgorithm":"KMS","s3SseKmsKeyId":"arn:aws:kms:eu-north-1:)"),
            std::string::npos);
  EXPECT_TRUE(out.ends_with(R"("itemCount":3,"outputFormat":"ION"})")) << out;
}

TEST(ExportFmtManifest, Checksums) {
  EXPECT_EQ(Md5Base64(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
  const std::string empty_gz(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x03\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00",
      20);
  EXPECT_EQ(Md5Base64(empty_gz), kEmptyMd5);
  EXPECT_EQ(S3MultipartEtagOfOnePart(aws::Md5(empty_gz)), kEmptyEtag);
}

TEST(ExportFmtManifest, FormatIsoMillis) {
  EXPECT_EQ(FormatIsoMillis(1768385930622), "2026-01-14T10:18:50.622Z");
  EXPECT_EQ(FormatIsoMillis(1768386924000), "2026-01-14T10:35:24.000Z");
  EXPECT_EQ(FormatIsoMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIsoMillis(7), "1970-01-01T00:00:00.007Z");
  EXPECT_EQ(FormatIsoMillis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIsoMillis(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatIsoMillis(253402300799999), "9999-12-31T23:59:59.999Z");
  // Agrees with the C library over a spread of times.
  std::mt19937_64 rng(5);
  for (int i = 0; i < 2000; ++i) {
    const int64_t ms = static_cast<int64_t>(rng() % 8'000'000'000'000ULL);
    const time_t secs = static_cast<time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char expected[64];
    std::snprintf(expected, sizeof(expected), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms % 1000));
    ASSERT_EQ(FormatIsoMillis(ms), expected) << ms;
  }
}

}  // namespace
}  // namespace tideline::exporter
