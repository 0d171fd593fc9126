// CreateTable: validates the key schema against the attribute definitions and the billing
// settings with DynamoDB's messages, then creates the table ACTIVE at once (tables need no
// provisioning here; waiters see ACTIVE on their first poll).

#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "api/stream_specification.h"
#include "api/table_definition.h"
#include "api/table_description.h"
#include "api/table_warm_throughput.h"
#include "api/tags.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteCreateTable(Context& ctx, const json::Value& req) {
  ValidationErrors errors;
  TableDefinition def = ReadTableDefinition(req, "", /*local_indexes=*/true, &errors);
  std::vector<std::pair<std::string, std::string>> tags;
  if (const json::Value* t = OptArray(req, "Tags")) tags = ReadTags(*t, &errors);
  ReadStreamSpecification(req, &errors);
  const TableWarmThroughputRequest warm = ReadTableWarmThroughput(req);
  errors.ThrowIfAny();

  CheckBillingRules(def);
  storage::TableMeta meta = BuildTableMeta(def);
  ApplyCreateWarmThroughput(warm, &meta);
  ApplyCreateStreamSpecification(req, &meta);
  meta.tags = std::move(tags);
  if (auto dp = OptBool(req, "DeletionProtectionEnabled")) meta.deletion_protection = *dp;

  CheckTableQuota(ctx);
  std::shared_ptr<const storage::TableMeta> created;
  Status s = ctx.storage.CreateTable(std::move(meta), &created);
  if (s.IsAlreadyExists()) {
    throw ApiError::ResourceInUse("Table already exists: " + std::string(*def.name));
  }
  if (!s.ok()) throw StatusError(s);

  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("TableDescription");
  WriteTableDescription(w, ctx, *created, "ACTIVE", /*index_warm_throughput=*/false);
  return response.Finish();
}

}  // namespace tideline::api
