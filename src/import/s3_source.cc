// ObjectSource over an S3-compatible endpoint: ListObjectsV2 pages for the listing, ranged
// GetObject calls for the bytes (so an object of any size is read in bounded memory).

#include <algorithm>
#include <memory>

#include "aws/sigv4.h"
#include "import/object_source.h"
#include "s3/s3_client.h"
#include "s3/xml.h"

namespace tideline::importer {
namespace {

constexpr uint64_t kRangeSize = uint64_t{8} << 20;

void AddOwner(const std::string& owner, std::vector<std::pair<std::string, std::string>>* headers) {
  if (!owner.empty()) headers->emplace_back("x-amz-expected-bucket-owner", owner);
}

class S3Source : public ObjectSource {
 public:
  explicit S3Source(s3::S3Config config) : client_(std::move(config)) {}

  Status List(const std::string& bucket, const std::string& prefix,
              const std::string& expected_owner, std::vector<SourceObject>* out) override {
    if (!client_.init_status().ok()) return client_.init_status();
    out->clear();
    std::string continuation;
    for (;;) {
      // Query parameters in the canonical (sorted) order; values URI-encoded, '/' included.
      std::string query;
      if (!continuation.empty())
        query += "continuation-token=" + aws::UriEncode(continuation, true) + "&";
      query += "list-type=2&prefix=" + aws::UriEncode(prefix, true);
      s3::S3Client::Call call{"GET", bucket, "", query, {}, {}, false};
      AddOwner(expected_owner, &call.headers);
      s3::HttpResponse response;
      if (Status s = client_.Execute(call, &response); !s.ok()) return s;
      const std::string_view body = response.body;
      size_t pos = 0;
      for (;;) {
        const size_t start = body.find("<Contents>", pos);
        if (start == std::string_view::npos) break;
        const size_t end = body.find("</Contents>", start);
        if (end == std::string_view::npos) break;
        const std::string_view entry = body.substr(start, end - start);
        SourceObject object;
        std::string size;
        if (s3::xml::ElementText(entry, "Key", &object.key)) {
          if (s3::xml::ElementText(entry, "Size", &size)) object.size = std::stoull("0" + size);
          out->push_back(std::move(object));
        }
        pos = end;
      }
      std::string truncated;
      s3::xml::ElementText(body, "IsTruncated", &truncated);
      if (truncated != "true" ||
          !s3::xml::ElementText(body, "NextContinuationToken", &continuation) ||
          continuation.empty()) {
        break;
      }
    }
    std::sort(out->begin(), out->end(),
              [](const SourceObject& a, const SourceObject& b) { return a.key < b.key; });
    return Status::OK();
  }

  Status Read(const std::string& bucket, const SourceObject& object,
              const std::string& expected_owner,
              const std::function<bool(std::string_view)>& consume) override {
    // The size comes from the listing; an object that is empty needs no call (a Range on an
    // empty object is unsatisfiable).
    for (uint64_t offset = 0; offset < object.size; offset += kRangeSize) {
      const uint64_t last = std::min(object.size, offset + kRangeSize) - 1;
      s3::S3Client::Call call{"GET", bucket, object.key, "", {}, {}, false};
      call.headers.emplace_back("Range",
                                "bytes=" + std::to_string(offset) + "-" + std::to_string(last));
      AddOwner(expected_owner, &call.headers);
      s3::HttpResponse response;
      if (Status s = client_.Execute(call, &response); !s.ok()) return s;
      if (!consume(response.body)) break;
    }
    return Status::OK();
  }

 private:
  s3::S3Client client_;
};

}  // namespace

std::unique_ptr<ObjectSource> NewS3Source(s3::S3Config config) {
  return std::make_unique<S3Source>(std::move(config));
}

}  // namespace tideline::importer
