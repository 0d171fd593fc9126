// libFuzzer target for the whole request path: HTTP parsing, routing, JSON, the dispatcher and
// the validation and execution of every operation, against a real Storage in a temporary
// directory. Two input forms, chosen by the first byte:
//   even: the rest is raw bytes of an HTTP connection: RequestParser -> Router -> response head
//   odd:  the rest is "<Operation>\n<JSON body>": the dispatcher directly, so that the fuzzer
//         spends its mutations on the JSON rather than on the HTTP framing
// Two tables exist from the start (a hash-only table "t1" with PITR on, a hash+range table
// "t2") and are created again if an input deletes them, so item operations go deep. Any answer
// is fine; a crash, a sanitizer report, an escaped exception, a hang or a leak is a bug.
//
// Build and run: scripts/fuzz.sh (clang, -DTIDELINE_FUZZ=ON, a build dir of its own).
// Note: the storage persists across inputs (writes accumulate), so a crash may depend on
// earlier inputs; libFuzzer's crash file still reproduces most of them on its own.

#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "api/context.h"
#include "api/operations.h"
#include "http/dispatcher.h"
#include "http/request_parser.h"
#include "http/router.h"
#include "http/wire.h"
#include "storage/storage.h"

namespace {

using namespace tideline;

constexpr std::string_view kTables[][2] = {
    {"t1", R"({"TableName":"t1","BillingMode":"PAY_PER_REQUEST",
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
      "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]})"},
    {"t2", R"({"TableName":"t2","BillingMode":"PAY_PER_REQUEST",
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},
                   {"AttributeName":"sk","KeyType":"RANGE"}],
      "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},
                              {"AttributeName":"sk","AttributeType":"N"}]})"},
};

struct Fixture {
  std::string dir;
  api::ServerConfig config;
  std::unique_ptr<storage::Storage> storage;
  std::unique_ptr<api::Context> ctx;
  std::unique_ptr<http::Router> router;

  Fixture() {
    spdlog::set_level(spdlog::level::off);  // internal errors log; the fuzzer judges by crashes
    char tmpl[] = "/tmp/tideline-request-fuzz-XXXXXX";
    const char* d = mkdtemp(tmpl);
    if (d == nullptr) abort();
    dir = d;
    config.data_dir = dir;
    config.max_tables = 20;  // inputs may create tables; keep the catalog small
    storage::StorageOptions options;
    options.data_dir = dir + "/db";
    if (!storage::Storage::Open(options, &storage).ok()) abort();
    // No export or restore service: their operations are validated in full, then refused.
    ctx = std::make_unique<api::Context>(api::Context{config, *storage});
    router = std::make_unique<http::Router>(*ctx, &api::FindOperation);
    EnsureTables();
  }

  void EnsureTables() {
    for (const auto& [name, create] : kTables) {
      if (storage->FindTable(std::string(name))) continue;
      http::Dispatch(*ctx, "DynamoDB_20120810.CreateTable", create);
      if (name == "t1") {
        http::Dispatch(*ctx, "DynamoDB_20120810.UpdateContinuousBackups",
                       R"({"TableName":"t1","PointInTimeRecoverySpecification":)"
                       R"({"PointInTimeRecoveryEnabled":true}})");
        http::Dispatch(*ctx, "DynamoDB_20120810.PutItem",
                       R"({"TableName":"t1","Item":{"pk":{"S":"a"},"n":{"N":"1"},)"
                       R"("l":{"L":[{"S":"x"},{"M":{"k":{"N":"2"}}}]},"s":{"SS":["p","q"]}}})");
      }
    }
  }
};

Fixture& Fix() {
  static Fixture* f = new Fixture();  // never destroyed: libFuzzer exits without unwinding
  return *f;
}

void RunHttp(Fixture& f, std::string_view bytes) {
  http::Request request;
  http::RequestParser parser(&request);
  parser.eager(true);
  parser.header_limit(16 * 1024);
  parser.body_limit(16 * 1024 * 1024);
  boost::beast::error_code ec;
  while (!bytes.empty() && !parser.is_done()) {
    const size_t n = parser.put(boost::asio::const_buffer(bytes.data(), bytes.size()), ec);
    bytes.remove_prefix(std::min(n, bytes.size()));
    if (ec == boost::beast::http::error::need_more) {
      ec = {};
      if (n == 0) break;
    } else if (ec) {
      return;  // the session answers 400/413/431 and closes
    }
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return;
  }
  http::Reply reply;
  f.router->Handle(request, &reply);
  std::string head;
  http::AppendResponseHead(&head, reply.status, reply.content_type, reply.body,
                           http::ConnectionHeader::kNone, reply.extra_headers, reply.request_id);
}

void RunOperation(Fixture& f, std::string_view text) {
  const size_t newline = text.find('\n');
  const std::string_view op = text.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  std::string target = "DynamoDB_20120810.";
  target.append(op);
  http::Dispatch(*f.ctx, target, body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Fixture& f = Fix();
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    RunOperation(f, rest);
  } else {
    RunHttp(f, rest);
  }
  f.EnsureTables();
  return 0;
}
