#pragma once
// One exported item as one line of a data file, in the two formats of a DynamoDB full export
// (shared/spec/export-and-pitr.md §2.1, §2.2). Both functions append to *out (so one buffer
// can collect many lines before it goes to the compressor) and never throw.
//
// Input `item_json` is an item as storage keeps it: the compact DynamoDB wire JSON of the item
// map, e.g. {"pk":{"S":"a"},"n":{"N":"1"}} (N canonical decimal text, B base64).

#include <string>
#include <string_view>

#include "common/status.h"

namespace tideline::exporter {

// DYNAMODB_JSON: appends `{"Item":` item_json `}` "\n". The item JSON is copied verbatim (it is
// already compact wire JSON, which is what AWS writes), so attribute order is storage order.
void AppendDynamoDbJsonLine(std::string_view item_json, std::string* out);

// ION: appends one Ion text line as AWS writes it:
//   $ion_1_0 {Item:{Authors:$dynamodb_SS::["Author1","Author2"],Id:103.,PageCount:6d2}}\n
// Grammar of what is written (no whitespace anywhere except the one space after the marker):
//   line   := "$ion_1_0 {Item:" struct "}\n"
//   struct := "{" [field ("," field)*] "}"        attributes in input order
//   field  := name ":" value
//   name   := identifier | "'" symbol-text "'"  identifier = [A-Za-z_$][A-Za-z0-9_$]* that is
//                                                not null/nan/true/false nor $<digits>
//   value  := S -> "string" | N -> Ion decimal (model::Decimal::ToIonText: 103. 6d2 1.5)
//           | B -> {{base64}} | BOOL -> true|false | NULL -> null
//           | L -> "[" [value ("," value)*] "]" | M -> struct
//           | SS/NS/BS -> $dynamodb_SS:: / $dynamodb_NS:: / $dynamodb_BS:: "[" members "]"
// Strings and quoted names are UTF-8; escaped are the quote character, backslash, \n \r \t,
// and every other byte < 0x20 or 0x7F as \xHH. (Ion's NULL mapping is not documented by AWS;
// plain `null` is what other writers produce, see spec §2.2.)
//
// Returns Corruption, leaving *out unchanged, if item_json is not a well-formed DynamoDB item
// (malformed JSON, invalid UTF-8, unknown type, a JSON number where N text belongs, a bad
// number or base64). Stored items never are; the check keeps a damaged record from producing
// an export that no Ion reader can parse.
Status AppendIonLine(std::string_view item_json, std::string* out);

// The Ion struct of one item alone ({Authors:$dynamodb_SS::[...],Id:103.}), as AppendIonLine
// writes it after "{Item:"; the same errors, *out unchanged on error.
Status AppendIonItem(std::string_view item_json, std::string* out);

}  // namespace tideline::exporter
