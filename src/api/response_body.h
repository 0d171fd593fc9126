#pragma once
// The one way an operation builds its response body: a JSON object written member by member
// through writer(), then closed and returned by Finish(). An item kept as wire JSON (as
// storage returns it) goes in unparsed through RawObject. Only a body with nothing variable in
// it may be returned as a literal instead ("{}").

#include <string>
#include <string_view>

#include "json/json.h"

namespace tideline::api {

class ResponseBody {
 public:
  ResponseBody() : writer_(buffer_) { writer_.StartObject(); }
  ResponseBody(const ResponseBody&) = delete;
  ResponseBody& operator=(const ResponseBody&) = delete;

  json::Writer& writer() { return writer_; }

  // Closes the object and returns the body; call once, last.
  std::string Finish() {
    writer_.EndObject();
    return std::string(buffer_.GetString(), buffer_.GetSize());
  }

 private:
  json::Buffer buffer_;
  json::Writer writer_;
};

// Writes a JSON object that is already serialized (an item as stored), as it is.
inline void WriteRawObject(json::Writer& w, std::string_view object_json) {
  w.RawValue(object_json.data(), object_json.size(), rapidjson::kObjectType);
}

}  // namespace tideline::api
