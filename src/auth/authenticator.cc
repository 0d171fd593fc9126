#include "auth/authenticator.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <optional>

#include "aws/crypto.h"
#include "aws/sigv4.h"
#include "common/api_error.h"
#include "common/mutex.h"

namespace tideline::auth {

using Clock = std::chrono::system_clock;

struct Authenticator::Key {
  KeyEntry entry;
  Identity identity;
  // The derived signing key of the last date this key signed for (region and service are
  // fixed), so that a verification costs two HMACs instead of six.
  mutable common::Mutex mu;
  mutable std::array<char, 8> date GUARDED_BY(mu){};
  mutable std::array<unsigned char, 32> signing_key GUARDED_BY(mu){};
  mutable bool cached GUARDED_BY(mu) = false;

  void SigningKey(std::string_view scope_date, std::string_view region, std::string_view service,
                  unsigned char out[32]) const {
    common::MutexLock lock(&mu);
    if (!cached || std::string_view(date.data(), date.size()) != scope_date) {
      const std::string k =
          aws::DeriveSigningKey(entry.secret_access_key, scope_date, region, service);
      std::copy(k.begin(), k.end(), signing_key.begin());
      std::copy(scope_date.begin(), scope_date.end(), date.begin());
      cached = true;
    }
    std::copy(signing_key.begin(), signing_key.end(), out);
  }
};

namespace {

constexpr std::string_view kTerminator = "aws4_request";

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

const std::string_view* FindHeader(const RequestView& r, std::string_view name) {
  for (const HeaderView& h : r.headers) {
    if (EqualsIgnoreCase(h.name, name)) return &h.value;
  }
  return nullptr;
}

// The decoded value of the first query parameter named exactly `name`.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view param = query.substr(pos, amp - pos);
    pos = amp + 1;
    const size_t eq = param.find('=');
    if (aws::UriDecode(param.substr(0, eq)) != name) continue;
    return eq == std::string_view::npos ? std::string() : aws::UriDecode(param.substr(eq + 1));
  }
  return std::nullopt;
}

// The query without its X-Amz-Signature parameter (which a presigned request cannot sign).
std::string QueryWithoutSignature(std::string_view query) {
  std::string out;
  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view param = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (aws::UriDecode(param.substr(0, param.find('='))) == "X-Amz-Signature") continue;
    if (!out.empty()) out.push_back('&');
    out.append(param);
  }
  return out;
}

bool Digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Number(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// "YYYYMMDDTHHMMSSZ" (ISO 8601 basic format, UTC), the only date form SigV4 signs.
std::optional<Clock::time_point> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z' || !Digits(s.substr(0, 8)) ||
      !Digits(s.substr(9, 6))) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = Number(s.substr(0, 4)) - 1900;
  tm.tm_mon = Number(s.substr(4, 2)) - 1;
  tm.tm_mday = Number(s.substr(6, 2));
  tm.tm_hour = Number(s.substr(9, 2));
  tm.tm_min = Number(s.substr(11, 2));
  tm.tm_sec = Number(s.substr(13, 2));
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  return Clock::from_time_t(timegm(&tm));
}

// "15 min" or "3601 sec", as AWS words the allowed skew.
std::string Span(std::chrono::seconds s) {
  if (s.count() % 60 == 0) return std::to_string(s.count() / 60) + " min";
  return std::to_string(s.count()) + " sec";
}

// The pieces of a signature, from the Authorization header or the query string.
struct Parts {
  bool presigned = false;
  std::string_view algorithm;
  std::string_view credential;
  std::string_view signed_headers;
  std::string_view signature;
  std::string_view date;
  std::string_view security_token;
  bool has_security_token = false;
  std::chrono::seconds window{Authenticator::kMaxSkew};
  // Owns decoded query values (presigned requests only).
  std::array<std::string, 7> storage;
};

[[noreturn]] void Throw(ApiError e) { throw e; }

// Steps 3 of the check order for the header form: Authorization's own fields.
void ParseHeaderForm(const RequestView& r, std::string_view authorization, Parts* p) {
  const std::string_view value = Trim(authorization);
  const size_t space = value.find_first_of(" ,");
  p->algorithm = value.substr(0, space);
  std::string_view rest = space == std::string_view::npos ? "" : value.substr(space + 1);
  bool have_credential = false, have_signature = false, have_signed = false;
  size_t pos = 0;
  while (pos < rest.size()) {
    size_t end = rest.find_first_of(" ,", pos);
    if (end == std::string_view::npos) end = rest.size();
    const std::string_view part = rest.substr(pos, end - pos);
    pos = end + 1;
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = part.substr(0, eq);
    const std::string_view val = part.substr(eq + 1);
    if (key == "Credential" && !have_credential) {
      p->credential = val;
      have_credential = !val.empty();
    } else if (key == "Signature" && !have_signature) {
      p->signature = val;
      have_signature = !val.empty();
    } else if (key == "SignedHeaders" && !have_signed) {
      p->signed_headers = val;
      have_signed = !val.empty();
    }
  }
  const std::string_view* date = FindHeader(r, "x-amz-date");
  if (date == nullptr) date = FindHeader(r, "date");
  std::string msg;
  if (!have_credential) msg += "Authorization header requires 'Credential' parameter. ";
  if (!have_signature) msg += "Authorization header requires 'Signature' parameter. ";
  if (!have_signed) msg += "Authorization header requires 'SignedHeaders' parameter. ";
  if (date == nullptr) {
    msg += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!msg.empty())
    Throw(ApiError::IncompleteSignature(msg + "Authorization=" + std::string(authorization)));
  p->date = Trim(*date);
  if (const std::string_view* token = FindHeader(r, "x-amz-security-token")) {
    p->security_token = Trim(*token);
    p->has_security_token = true;
  }
}

// Step 3 for a presigned request: the X-Amz-* query parameters.
void ParseQueryForm(std::string_view query, Parts* p) {
  static constexpr std::array<std::string_view, 5> kRequired = {
      "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders",
      "X-Amz-Date"};
  std::string msg;
  for (size_t i = 0; i < kRequired.size(); ++i) {
    std::optional<std::string> v = QueryParam(query, kRequired[i]);
    if (!v || v->empty()) {
      msg += "AWS query-string parameters must include '" + std::string(kRequired[i]) + "'. ";
    } else {
      p->storage[i] = std::move(*v);
    }
  }
  if (!msg.empty())
    Throw(ApiError::IncompleteSignature(msg + "Re-examine the query-string parameters."));
  p->presigned = true;
  p->algorithm = p->storage[0];
  p->credential = p->storage[1];
  p->signature = p->storage[2];
  p->signed_headers = p->storage[3];
  p->date = p->storage[4];
  if (std::optional<std::string> token = QueryParam(query, "X-Amz-Security-Token")) {
    p->storage[5] = std::move(*token);
    p->security_token = p->storage[5];
    p->has_security_token = true;
  }
  if (std::optional<std::string> expires = QueryParam(query, "X-Amz-Expires")) {
    // AWS's wording for these two is S3's; what DynamoDB says is not recorded anywhere we found.
    if (!Digits(*expires) || expires->size() > 9) {
      Throw(ApiError::IncompleteSignature("X-Amz-Expires should be a number"));
    }
    const int64_t seconds = std::stoll(*expires);
    if (seconds > Authenticator::kMaxExpiresSeconds) {
      Throw(ApiError::IncompleteSignature(
          "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
          "must be less than 604800 seconds"));
    }
    p->window = std::chrono::seconds(seconds);
  }
}

// Step 4: the date's format, then the window around now. A header-signed request may be up to
// 15 minutes off either way; a presigned one is valid from its date (less the skew) until its
// date plus X-Amz-Expires.
void CheckDate(const Parts& p, Clock::time_point now) {
  const std::optional<Clock::time_point> t = ParseAmzDate(p.date);
  if (!t) {
    Throw(ApiError::IncompleteSignature("Date must be in ISO-8601 'basic format'. Got '" +
                                        std::string(p.date) +
                                        "'. See http://en.wikipedia.org/wiki/ISO_8601"));
  }
  const auto now_s = std::chrono::time_point_cast<std::chrono::seconds>(now);
  if (*t < now_s - p.window) {
    Throw(ApiError::InvalidSignature("Signature expired: " + std::string(p.date) +
                                     " is now earlier than " +
                                     aws::FormatAmzDate(now_s - p.window) + " (" +
                                     aws::FormatAmzDate(now_s) + " - " + Span(p.window) + ".)"));
  }
  if (*t > now_s + Authenticator::kMaxSkew) {
    Throw(ApiError::InvalidSignature(
        "Signature not yet current: " + std::string(p.date) + " is still later than " +
        aws::FormatAmzDate(now_s + Authenticator::kMaxSkew) + " (" + aws::FormatAmzDate(now_s) +
        " + " + Span(Authenticator::kMaxSkew) + ".)"));
  }
}

// Calls fn(name) for each ';'-separated signed header name (as sent, not yet lowercased).
template <typename Fn>
void ForEachSignedHeader(std::string_view list, Fn fn) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t semi = list.find(';', pos);
    if (semi == std::string_view::npos) semi = list.size();
    if (semi > pos) fn(list.substr(pos, semi - pos));
    pos = semi + 1;
  }
}

// Step 5.
void CheckHostSigned(const Parts& p) {
  bool host = false;
  ForEachSignedHeader(p.signed_headers, [&](std::string_view name) {
    if (EqualsIgnoreCase(name, "host") || name == ":authority") host = true;
  });
  if (!host) {
    Throw(ApiError::InvalidSignature(
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."));
  }
}

struct Scope {
  std::string_view access_key_id, date, region, service, terminator;
};

// Steps 6 to 8.
Scope CheckScope(const Parts& p, std::string_view region, std::string_view service) {
  if (p.algorithm != aws::kSigV4Algorithm) {
    Throw(ApiError::IncompleteSignature("Unsupported AWS 'algorithm': '" +
                                        std::string(p.algorithm) +
                                        "' (only AWS4-HMAC-SHA256 for now). "));
  }
  std::string_view credential = p.credential;
  while (!credential.empty() && credential.back() == '/') credential.remove_suffix(1);
  std::array<std::string_view, 5> piece;
  size_t n = 0, pos = 0;
  while (pos <= credential.size()) {
    size_t slash = credential.find('/', pos);
    if (slash == std::string_view::npos) slash = credential.size();
    if (n < piece.size()) piece[n] = credential.substr(pos, slash - pos);
    ++n;
    pos = slash + 1;
  }
  if (n != 5) {
    Throw(ApiError::IncompleteSignature(
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got '" +
        std::string(p.credential) + "'"));
  }
  const Scope scope{piece[0], piece[1], piece[2], piece[3], piece[4]};
  std::string msg;
  auto add = [&msg](const std::string& m) { msg += (msg.empty() ? "" : " ") + m; };
  if (scope.region != region) {
    add("Credential should be scoped to a valid region, not '" + std::string(scope.region) + "'.");
  }
  if (scope.service != service) {
    add("Credential should be scoped to correct service: '" + std::string(service) + "'.");
  }
  if (scope.terminator != kTerminator) {
    add("Credential should be scoped with a valid terminator: 'aws4_request', not '" +
        std::string(scope.terminator) + "'.");
  }
  if (scope.date != p.date.substr(0, 8)) {
    add("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '" +
        std::string(scope.date) + "' != '" + std::string(p.date.substr(0, 8)) + "', from '" +
        std::string(p.date) + "'.");
  }
  if (!msg.empty()) Throw(ApiError::InvalidSignature(msg));
  return scope;
}

// Appends SigV4's canonical request of `r` to *out (see aws/sigv4.h).
void AppendCanonicalRequest(const RequestView& r, std::string_view path, std::string_view query,
                            const Parts& p, std::string_view payload_hash, aws::UriRules uri_rules,
                            std::string* out) {
  out->append(r.method).push_back('\n');
  if (path == "/") {
    out->push_back('/');
  } else {
    out->append(aws::CanonicalUri(path, uri_rules));
  }
  out->push_back('\n');
  if (!query.empty()) {
    out->append(aws::CanonicalQueryString(p.presigned ? QueryWithoutSignature(query) : query));
  }
  out->push_back('\n');
  ForEachSignedHeader(p.signed_headers, [&](std::string_view name) {
    for (char c : name) out->push_back(Lower(c));
    out->push_back(':');
    bool first = true;
    // Compared with `name`, not with its lowercased copy in *out: appending a value below may
    // move *out's buffer.
    for (const HeaderView& h : r.headers) {
      if (!EqualsIgnoreCase(h.name, name)) continue;
      if (!first) out->push_back(',');
      first = false;
      aws::AppendTrimAll(out, h.value);
    }
    out->push_back('\n');
  });
  out->push_back('\n');
  for (char c : p.signed_headers) out->push_back(Lower(c));
  out->push_back('\n');
  out->append(payload_hash);
}

std::string MismatchMessage(std::string_view canonical, std::string_view string_to_sign) {
  std::string msg =
      "The request signature we calculated does not match the signature you provided. Check "
      "your AWS Secret Access Key and signing method. Consult the service documentation for "
      "details.\n\nThe Canonical String for this request should have been\n'";
  msg.append(canonical);
  msg.append("'\n\nThe String-to-Sign should have been\n'");
  msg.append(string_to_sign);
  msg.append("'\n");
  return msg;
}

}  // namespace

Authenticator::Authenticator(const std::vector<KeyEntry>& keys, std::string region,
                             std::string service, aws::UriRules uri_rules)
    : region_(std::move(region)), service_(std::move(service)), uri_rules_(uri_rules) {
  for (const KeyEntry& entry : keys) {
    auto key = std::make_unique<Key>();
    key->entry = entry;
    key->identity.access_key_id = entry.access_key_id;
    key->identity.profile = entry.profile;
    if (!entry.account_id.empty()) {
      auto it = std::find(accounts_.begin(), accounts_.end(), entry.account_id);
      key->identity.account = static_cast<int>(it - accounts_.begin());
      if (it == accounts_.end()) accounts_.push_back(entry.account_id);
    }
    keys_.push_back(std::move(key));
  }
  for (const auto& key : keys_) by_id_.emplace(key->entry.access_key_id, key.get());
}

Authenticator::~Authenticator() = default;

const Authenticator::Key* Authenticator::Find(std::string_view access_key_id) const {
  auto it = by_id_.find(access_key_id);
  return it == by_id_.end() ? nullptr : it->second;
}

const Identity& Authenticator::Authenticate(const RequestView& r, Clock::time_point now) const {
  return Check(r, now, /*signature=*/true);
}

void Authenticator::CheckBeforeBody(const RequestView& r, Clock::time_point now) const {
  Check(r, now, /*signature=*/false);
}

const Identity& Authenticator::Check(const RequestView& r, Clock::time_point now,
                                     bool signature) const {
  const size_t qmark = r.target.find('?');
  const std::string_view path = r.target.substr(0, qmark);
  const std::string_view query =
      qmark == std::string_view::npos ? std::string_view() : r.target.substr(qmark + 1);

  // Steps 1 and 2: which form, if any.
  const std::string_view* authorization = FindHeader(r, "authorization");
  const bool query_form = QueryParam(query, "X-Amz-Algorithm").has_value();
  if (authorization != nullptr && query_form) {
    Throw(ApiError::InvalidSignature(
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP "
        "header."));
  }
  if ((authorization == nullptr && !query_form) ||
      (authorization != nullptr && Trim(*authorization).substr(0, 5) != "AWS4-")) {
    Throw(ApiError::MissingAuthenticationToken("Request is missing Authentication Token"));
  }
  Parts p;
  if (authorization != nullptr) {
    ParseHeaderForm(r, *authorization, &p);
  } else {
    ParseQueryForm(query, &p);
  }
  CheckDate(p, now);
  CheckHostSigned(p);
  const Scope scope = CheckScope(p, region_, service_);

  // Step 9.
  const Key* key = Find(scope.access_key_id);
  if (key == nullptr) {
    Throw(ApiError::UnrecognizedClient("The security token included in the request is invalid."));
  }

  if (!signature) return key->identity;

  // Step 10. The buffers live as long as the thread, so a verification allocates nothing once
  // they have grown to the size of the requests it sees.
  thread_local std::string canonical;
  thread_local std::string string_to_sign;
  char body_hash[64];
  unsigned char digest[32];
  aws::Sha256Into(r.body, digest);
  aws::HexEncodeInto(digest, 32, body_hash);
  const std::string_view payload_hash(body_hash, 64);
  canonical.clear();
  AppendCanonicalRequest(r, path, query, p, payload_hash, uri_rules_, &canonical);
  aws::Sha256Into(canonical, digest);
  char canonical_hash[64];
  aws::HexEncodeInto(digest, 32, canonical_hash);
  string_to_sign.clear();
  string_to_sign.append(aws::kSigV4Algorithm).push_back('\n');
  string_to_sign.append(p.date).push_back('\n');
  string_to_sign.append(scope.date).push_back('/');
  string_to_sign.append(scope.region).push_back('/');
  string_to_sign.append(scope.service).push_back('/');
  string_to_sign.append(scope.terminator).push_back('\n');
  string_to_sign.append(canonical_hash, 64);

  unsigned char signing_key[32];
  key->SigningKey(scope.date, region_, service_, signing_key);
  aws::HmacSha256Into(std::string_view(reinterpret_cast<const char*>(signing_key), 32),
                      string_to_sign, digest);
  char expected[64];
  aws::HexEncodeInto(digest, 32, expected);
  if (p.signature.size() != 64 || CRYPTO_memcmp(expected, p.signature.data(), 64) != 0) {
    Throw(ApiError::InvalidSignature(MismatchMessage(canonical, string_to_sign)));
  }

  // Step 11: a key issued with a session token is valid only with that token, and a key
  // without one takes none.
  if (p.has_security_token != !key->entry.session_token.empty() ||
      (p.has_security_token &&
       !aws::ConstantTimeEquals(p.security_token, key->entry.session_token))) {
    Throw(ApiError::UnrecognizedClient("The security token included in the request is invalid"));
  }
  return key->identity;
}

}  // namespace tideline::auth
