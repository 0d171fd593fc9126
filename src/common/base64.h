#pragma once
// Base64, standard alphabet with padding, no line breaks (RFC 4648 §4): B and BS values on the
// wire, Content-MD5 headers and the export .md5 files all use this one form.

#include <string>
#include <string_view>

namespace tideline {

std::string Base64Encode(std::string_view bytes);
// Strict, as DynamoDB's is: false on a character outside the alphabet, a length that is not a
// multiple of 4, misplaced padding, or non-zero unused bits in the last character.
bool Base64Decode(std::string_view text, std::string* out);

}  // namespace tideline
