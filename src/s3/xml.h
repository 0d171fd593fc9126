#pragma once
// The little XML that the S3 client needs: pull the text of a named element out of a response
// (UploadId, ETag, Code, Message) and escape text for a request body. S3's documents are flat
// and machine-written, so this is a scanner, not a parser: no DTDs, no namespaces prefixes on
// the elements we read, no CDATA.

#include <string>
#include <string_view>

namespace tideline::s3::xml {

// Replaces & < > " ' with entities.
std::string Escape(std::string_view text);
// Decodes &amp; &lt; &gt; &quot; &apos; and numeric &#NN; / &#xHH; references; anything else
// is kept as written.
std::string Unescape(std::string_view text);

// Finds the first element <tag> (or <tag attr=...>) at or after `from` and stores its
// unescaped text in *text. <tag/> yields "". Returns false when there is no such element.
bool ElementText(std::string_view doc, std::string_view tag, std::string* text, size_t from = 0);

// True when `body` is an S3 error document (<Error><Code>..</Code><Message>..</Message>..),
// with *code and *message filled (message may be empty).
bool ParseError(std::string_view body, std::string* code, std::string* message);

}  // namespace tideline::s3::xml
