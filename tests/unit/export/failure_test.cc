#include "export/failure.h"

#include <gtest/gtest.h>

namespace tideline::exporter {
namespace {

TEST(ExportFailureTest, S3ErrorsKeepS3sCodeAndWords) {
  ExportFailure f = FailureOf(Status::Remote("NoSuchBucket", "anything"));
  EXPECT_EQ(f.code, "S3NoSuchBucket");
  EXPECT_EQ(f.message, "The specified bucket does not exist");
  f = FailureOf(Status::Remote("AccessDenied", "Access Denied"));
  EXPECT_EQ(f.code, "S3AccessDenied");
  EXPECT_EQ(f.message, "Access Denied");
}

TEST(ExportFailureTest, LocalFailuresNameNoPathAndNoInternalText) {
  for (const Status& s :
       {Status::IOError("create directories for /srv/data/s3/b/x: Not a directory"),
        Status::IOError("curl: Couldn't connect to server (http://10.0.0.1:9000/b/x)"),
        Status::Corruption("/srv/data/db/000015.sst: bad block"),
        Status::Unavailable("the disk is full")}) {
    const ExportFailure f = FailureOf(s);
    EXPECT_EQ(f.code, "InternalError") << s.ToString();
    EXPECT_EQ(f.message.find('/'), std::string::npos) << f.message;
    EXPECT_EQ(f.message.find("curl"), std::string::npos) << f.message;
  }
}

}  // namespace
}  // namespace tideline::exporter
