#include "export/failure.h"

namespace tideline::exporter {

ExportFailure FailureOf(const Status& s) {
  if (s.code() == Status::Code::kRemote && !s.remote_code().empty()) {
    if (s.remote_code() == "NoSuchBucket") {
      return {"S3NoSuchBucket", "The specified bucket does not exist"};
    }
    return {"S3" + s.remote_code(), s.message()};
  }
  return {"InternalError",
          "The export failed because of an internal error; the export can be requested again"};
}

ExportFailure TableDeletedFailure() {
  return {"TableNotFoundException", "The table was deleted before the export could complete"};
}

}  // namespace tideline::exporter
