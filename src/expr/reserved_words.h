#pragma once
// DynamoDB's reserved words (case-insensitive), which may not appear as bare attribute names in
// expressions ("Attribute name is a reserved keyword; reserved keyword: <word>").

#include <cstddef>
#include <string_view>

namespace tideline::expr {

bool IsReservedWord(std::string_view name);
// The size of the list (573), for tests.
size_t ReservedWordCount();

}  // namespace tideline::expr
