// The backup operations' answers while a restore from a backup is filling its table: that table
// is CREATING, so CreateBackup of it is TableInUseException, and the backup it reads cannot be
// deleted (BackupInUseException) until it is ACTIVE. The state is made directly in the catalog (a
// table with restore_in_progress naming the backup), as RestoreTableFromBackup leaves it until
// its copy ends; the e2e tests cannot hold a restore in that state long enough to be certain.

#include <gtest/gtest.h>

#include <string>

#include "../storage/storage_fixture.h"
#include "api/operations.h"
#include "common/api_error.h"
#include "json/json.h"

namespace tideline::api {
namespace {

class BackupInUseTest : public storage::StorageFixture {
 protected:
  std::string Call(Operation op, const std::string& request) {
    json::Document doc;
    EXPECT_TRUE(json::Parse(request, &doc, nullptr));
    Context ctx{config_, *storage_};
    return op(ctx, doc);
  }
  // The error type `op` answers `request` with ("" if it succeeds).
  std::string ErrorOf(Operation op, const std::string& request) {
    try {
      Call(op, request);
    } catch (const ApiError& e) {
      return e.type();
    }
    return "";
  }
  std::string CreateBackup(const std::string& table) {
    json::Document answer;
    EXPECT_TRUE(json::Parse(
        Call(ExecuteCreateBackup, R"({"TableName":")" + table + R"(","BackupName":"bkp"})"),
        &answer, nullptr));
    return std::string(json::AsView(answer["BackupDetails"]["BackupArn"]));
  }
  // A table (the fixture's "t" is too short a name for the API), restoring from `backup_arn`
  // when given.
  void CreateTable(const std::string& name, const std::string& backup_arn = "") {
    storage::TableMeta meta;
    meta.name = name;
    meta.key_schema.hash_name = "pk";
    if (!backup_arn.empty()) {
      meta.restore_source_arn = "arn:aws:dynamodb:us-east-1:000000000000:table/source";
      meta.restore_backup_arn = backup_arn;
      meta.restore_in_progress = true;
    }
    ASSERT_TRUE(storage_->CreateTable(meta, nullptr).ok());
  }
  ServerConfig config_;
};

TEST_F(BackupInUseTest, ARestoreInProgressHoldsItsBackupAndItsTable) {
  CreateTable("source");
  const std::string arn = CreateBackup("source");
  const std::string other = CreateBackup("source");
  CreateTable("target", arn);
  const std::string delete_arn = R"({"BackupArn":")" + arn + R"("})";
  EXPECT_EQ(ErrorOf(ExecuteDeleteBackup, delete_arn), "BackupInUseException");
  EXPECT_EQ(ErrorOf(ExecuteCreateBackup, R"({"TableName":"target","BackupName":"bkp"})"),
            "TableInUseException");
  // Another backup of the same table is not in use.
  EXPECT_EQ(ErrorOf(ExecuteDeleteBackup, R"({"BackupArn":")" + other + R"("})"), "");

  // Once the restore is done, both are free.
  storage::TableMeta done = *storage_->FindTable("target");
  done.restore_in_progress = false;
  ASSERT_TRUE(storage_->UpdateTable(done).ok());
  EXPECT_EQ(ErrorOf(ExecuteCreateBackup, R"({"TableName":"target","BackupName":"bkp"})"), "");
  EXPECT_EQ(ErrorOf(ExecuteDeleteBackup, delete_arn), "");
  EXPECT_EQ(ErrorOf(ExecuteDescribeBackup, delete_arn), "BackupNotFoundException");
}

}  // namespace
}  // namespace tideline::api
