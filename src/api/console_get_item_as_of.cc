// GetItemAsOf (the console's, read-only): one item as it was at a moment of its table's
// point-in-time recovery window, through storage's as-of read. Takes TableName, Key and AsOf;
// answers {"Item": ...} as GetItem does, {} when the item did not exist then.

#include "api/console_as_of.h"
#include "api/console_operations.h"
#include "api/item_support.h"
#include "api/request.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "model/key_codec.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteGetItemAsOf(Context& ctx, const json::Value& req) {
  const json::Value* key_json = OptObject(req, "Key");
  if (!key_json) {
    throw ApiError::Validation(
        "The parameter 'Key' is required but was not present in the request");
  }
  const AsOfRead read = StartAsOfRead(ctx, req);
  const std::string key =
      model::KeyOfKeyMap(read.table->key_schema, model::ItemFromJson(*key_json));
  std::string item_json;
  bool found = false;
  Status s = ctx.storage.Get(read.table->id, key, read.as_of_us, &item_json, &found);
  if (!s.ok()) throw StatusError(s);
  ResponseBody response;
  if (found) {
    response.writer().Key("Item");
    WriteRawObject(response.writer(), item_json);
  }
  return response.Finish();
}

}  // namespace tideline::api
