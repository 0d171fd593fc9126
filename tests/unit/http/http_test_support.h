#pragma once
// Shared by the http/ tests: a Context over a real Storage in a temporary directory, and a tiny
// operation table of fakes so that the HTTP layer is tested apart from the real operations.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "api/context.h"
#include "api/operations.h"
#include "common/api_error.h"
#include "json/json.h"
#include "storage/storage.h"

namespace tideline::http::testing {

class TestContext {
 public:
  TestContext() {
    char tmpl[] = "/tmp/tideline-http-test-XXXXXX";
    const char* dir = mkdtemp(tmpl);
    if (dir == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir;
    config_.data_dir = dir_;
    config_.region = "eu-west-2";
    storage::StorageOptions options;
    options.data_dir = dir_ + "/db";
    Status s = storage::Storage::Open(options, &storage_);
    if (!s.ok()) throw std::runtime_error("Storage::Open: " + s.ToString());
    ctx_ = std::make_unique<api::Context>(api::Context{config_, *storage_});
  }
  ~TestContext() {
    ctx_.reset();
    storage_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  api::Context& ctx() { return *ctx_; }
  // What a Router reads when it is constructed (host, CORS origins, ...).
  api::ServerConfig& config() { return config_; }

 private:
  std::string dir_;
  api::ServerConfig config_;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<api::Context> ctx_;
};

// ---- fake operations ----
inline std::string FakeEcho(api::Context&, const json::Value& request) {
  return json::Print(request);
}
inline std::string FakeEmpty(api::Context&, const json::Value&) { return std::string(); }
inline std::string FakeNotFound(api::Context&, const json::Value&) {
  throw ApiError::ResourceNotFound("Requested resource not found");
}
inline std::string FakeValidation(api::Context&, const json::Value&) {
  throw ApiError::Validation("1 validation error detected: Value \"x\"\nat 'tableName' \u00e9");
}
inline std::string FakeConditional(api::Context&, const json::Value&) {
  throw ApiError::ConditionalCheckFailed("The conditional request failed",
                                         R"("Item":{"pk":{"S":"a"}})");
}
inline std::string FakeCrash(api::Context&, const json::Value&) {
  throw std::runtime_error("storage exploded");
}
inline std::string FakeThrowInt(api::Context&, const json::Value&) { throw 42; }
inline std::string FakeJsonMisuse(api::Context&, const json::Value& request) {
  return request["missing"].GetString();  // RAPIDJSON_ASSERT throws json::AssertionFailure
}
// Sleeps for the number of milliseconds in {"ms": N}, then echoes.
inline std::string FakeSlow(api::Context&, const json::Value& request) {
  const json::Value* ms = json::Find(request, "ms");
  std::this_thread::sleep_for(std::chrono::milliseconds(ms && ms->IsInt() ? ms->GetInt() : 0));
  return "{}";
}
// Answers a body of {"n": N} bytes: {"Data":"xxxx..."}.
inline std::string FakeBig(api::Context&, const json::Value& request) {
  const json::Value* n = json::Find(request, "n");
  const size_t size = n && n->IsUint() ? n->GetUint() : 0;
  return "{\"Data\":\"" + std::string(size, 'x') + "\"}";
}

inline api::Operation FakeLookup(std::string_view name) {
  if (name == "Echo") return &FakeEcho;
  if (name == "Empty") return &FakeEmpty;
  if (name == "NotFound") return &FakeNotFound;
  if (name == "Validation") return &FakeValidation;
  if (name == "Conditional") return &FakeConditional;
  if (name == "Crash") return &FakeCrash;
  if (name == "ThrowInt") return &FakeThrowInt;
  if (name == "JsonMisuse") return &FakeJsonMisuse;
  if (name == "Slow") return &FakeSlow;
  if (name == "Big") return &FakeBig;
  return nullptr;
}

}  // namespace tideline::http::testing
