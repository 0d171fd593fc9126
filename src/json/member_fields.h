// Tables of a record's members by JSON name, and the loops that write and read them: for the
// records other modules keep in storage's meta key space (export and import records), so that
// each record declares its fields once and shares one serialisation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "json/json.h"

namespace tideline::json {

template <class Record, class T>
struct MemberField {
  const char* name;
  T Record::*member;
};

inline void WriteValue(Writer& w, const std::string& v) { WriteString(w, v); }
inline void WriteValue(Writer& w, int64_t v) { w.Int64(v); }
inline void WriteValue(Writer& w, uint64_t v) { w.Uint64(v); }
inline void WriteValue(Writer& w, bool v) { w.Bool(v); }

inline bool ReadValue(const Value& v, std::string* out) {
  if (!v.IsString()) return false;
  *out = std::string(AsView(v));
  return true;
}
inline bool ReadValue(const Value& v, int64_t* out) {
  if (!v.IsInt64()) return false;
  *out = v.GetInt64();
  return true;
}
inline bool ReadValue(const Value& v, uint64_t* out) {
  if (!v.IsUint64()) return false;
  *out = v.GetUint64();
  return true;
}
inline bool ReadValue(const Value& v, bool* out) {
  if (!v.IsBool()) return false;
  *out = v.GetBool();
  return true;
}

// Writes "name": value for every field.
template <class Record, class T, size_t N>
void WriteMembers(Writer& w, const Record& r, const MemberField<Record, T> (&fields)[N]) {
  for (const auto& f : fields) {
    w.Key(f.name);
    WriteValue(w, r.*f.member);
  }
}

// Reads every field of `obj`; false when one is absent or of another type. With `optional`, an
// absent or mistyped field leaves its member as it is (fields added after records were written).
template <class Record, class T, size_t N>
bool ReadMembers(const Value& obj, Record* r, const MemberField<Record, T> (&fields)[N],
                 bool optional = false) {
  for (const auto& f : fields) {
    const Value* v = Find(obj, f.name);
    if (!(v && ReadValue(*v, &(r->*f.member))) && !optional) return false;
  }
  return true;
}

}  // namespace tideline::json
