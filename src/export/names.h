#pragma once
// Names of an export: its id and the S3 keys it writes (shared/spec/export-and-pitr.md §1, §3).

#include <cstdint>
#include <string>
#include <string_view>

namespace tideline::exporter {

inline constexpr std::string_view kJsonDataSuffix = ".json.gz";  // DYNAMODB_JSON data files
inline constexpr std::string_view kIonDataSuffix = ".ion.gz";    // ION data files

// "%014lld-%08x": the export's start time in epoch milliseconds, zero-padded to 14 digits, a
// dash and 32 random bits in lowercase hex, e.g. "01768385930622-efd1a093". The ExportArn is
// <table arn> + "/export/" + this id.
std::string NewExportId(int64_t start_ms);

// A data file's base name without extension: 16 random bytes in RFC 4648 base32, lowercase,
// unpadded = 26 chars of [a-z2-7], e.g. "5mrfg3b44e3vhnfickkozoym6a". Like AWS's names, the
// last character carries 3 bits + 2 zero bits, so it is one of "aeimquy4".
std::string NewDataFileName();

// "<s3_prefix>/AWSDynamoDB" or "AWSDynamoDB" when s3_prefix is empty. A prefix that already
// ends in '/' gets no second slash ("a/" -> "a/AWSDynamoDB"): AWS documents nothing here, and
// ScyllaDB's AWS-verified test_export.py expects data keys to start with
// prefix + ('' if prefix.endswith('/') else '/') + "AWSDynamoDB/". Anything else in the prefix
// (a leading slash, inner "//") is kept as given: S3 keys are opaque strings.
std::string AwsDynamoDbPrefix(const std::string& s3_prefix);

// The folder of one export: AwsDynamoDbPrefix(s3_prefix) + "/" + export_id. It holds _started,
// the manifests and, for a full export, data/.
std::string ExportPrefix(const std::string& s3_prefix, const std::string& export_id);

// The data folder shared by all incremental exports under a prefix:
// AwsDynamoDbPrefix(s3_prefix) + "/data".
std::string IncrementalDataPrefix(const std::string& s3_prefix);

// Lowercase RFC 4648 base32 without padding (exposed for tests).
std::string Base32LowerNoPad(std::string_view bytes);

}  // namespace tideline::exporter
