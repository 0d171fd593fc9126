#pragma once
// ObjectSource: where an import reads its objects from. Two implementations behind one
// interface, mirroring s3::Sink's two destinations so that whatever an export wrote, an import
// can read back:
//  - a local directory standing for S3: object <bucket>/<key> is the file <root>/<bucket>/<key>
//    (hidden temporary files a local export may leave behind are not objects);
//  - any S3-compatible endpoint (ListObjectsV2, ranged GetObject), signed with SigV4.
// Errors come back as Status::Remote(<S3 error code>, <S3 message>) where S3 gave one, e.g.
// Remote("NoSuchBucket", "The specified bucket does not exist").

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "s3/sink.h"

namespace tideline::importer {

struct SourceObject {
  std::string key;
  uint64_t size = 0;
};

class ObjectSource {
 public:
  virtual ~ObjectSource() = default;
  // Every object of `bucket` whose key starts with `prefix`, in key order.
  // `expected_owner` (may be empty) is S3BucketOwner: S3 refuses the call when another account
  // owns the bucket; a local directory has no owner and ignores it.
  virtual Status List(const std::string& bucket, const std::string& prefix,
                      const std::string& expected_owner, std::vector<SourceObject>* out) = 0;
  // Streams an object's bytes to `consume` in pieces of bounded size (memory stays bounded
  // whatever the object's size). `consume` returns false to stop reading early.
  virtual Status Read(const std::string& bucket, const SourceObject& object,
                      const std::string& expected_owner,
                      const std::function<bool(std::string_view)>& consume) = 0;
};

std::unique_ptr<ObjectSource> NewLocalDirSource(std::string root);
std::unique_ptr<ObjectSource> NewS3Source(s3::S3Config config);

}  // namespace tideline::importer
