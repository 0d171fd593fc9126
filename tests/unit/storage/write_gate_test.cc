#include "storage/write_gate.h"

#include <gtest/gtest.h>

namespace tideline::storage {
namespace {

TEST(WriteGateTest, OpenUntilAFailure) {
  WriteGate gate;
  EXPECT_TRUE(gate.Check().ok());
  const Status s = gate.WriteFailed(
      rocksdb::Status::NoSpace("While appending to file: /data/rocksdb/000012.log"));
  EXPECT_TRUE(s.IsUnavailable());
  EXPECT_EQ(s.message(), WriteGate::kDiskFullMessage);
  EXPECT_EQ(gate.Check().message(), WriteGate::kDiskFullMessage);
  EXPECT_EQ(s.message().find('/'), std::string::npos);  // no path reaches a client
  gate.Clear(WriteGate::kStorageError | WriteGate::kNoSpace | WriteGate::kWalSuspect);
  EXPECT_TRUE(gate.Check().ok());
}

TEST(WriteGateTest, IoErrorIsRetryableWithItsOwnMessage) {
  WriteGate gate;
  const Status s = gate.WriteFailed(rocksdb::Status::IOError("While appending", "EIO"));
  EXPECT_TRUE(s.IsUnavailable());
  EXPECT_EQ(s.message(), WriteGate::kStorageErrorMessage);
  EXPECT_TRUE(gate.flags() & WriteGate::kWalSuspect);
}

TEST(WriteGateTest, LowDiskRefusesWithTheDiskFullMessage) {
  WriteGate gate;
  gate.Set(WriteGate::kDiskLow);
  EXPECT_TRUE(gate.Check().IsUnavailable());
  EXPECT_EQ(gate.Check().message(), WriteGate::kDiskFullMessage);
}

// RocksDB 7.8 rates EIO during a flush as fatal, which Resume() refuses: the gate lowers it.
TEST(WriteGateTest, FatalIoErrorBecomesRecoverable) {
  WriteGate gate;
  rocksdb::Status error(rocksdb::Status::IOError("While appending to file"),
                        rocksdb::Status::Severity::kFatalError);
  gate.OnBackgroundError(rocksdb::BackgroundErrorReason::kFlush, &error);
  EXPECT_EQ(error.severity(), rocksdb::Status::Severity::kHardError);
  EXPECT_TRUE(gate.Check().IsUnavailable());
  EXPECT_FALSE(gate.flags() & WriteGate::kWalSuspect);
}

TEST(WriteGateTest, CorruptionIsNotRetryable) {
  WriteGate gate;
  rocksdb::Status error(rocksdb::Status::Corruption("bad block"),
                        rocksdb::Status::Severity::kUnrecoverableError);
  gate.OnBackgroundError(rocksdb::BackgroundErrorReason::kCompaction, &error);
  EXPECT_EQ(error.severity(), rocksdb::Status::Severity::kUnrecoverableError);
  EXPECT_FALSE(gate.Check().ok());
  EXPECT_FALSE(gate.Check().IsUnavailable());  // a 500: retrying will not help
}

}  // namespace
}  // namespace tideline::storage
