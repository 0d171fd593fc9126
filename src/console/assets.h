#pragma once
// The web console's files (docs/console.md), as the server answers them to a GET. The page is
// served at "/" and everything it loads below "/console/", and the page names them with
// relative URLs ("console/app.js"), so the console works unchanged behind a reverse proxy that
// mounts the server under a path prefix.

#include <string_view>

namespace tideline::console {

struct Asset {
  std::string_view content_type;  // static storage
  std::string_view bytes;
};

// The asset a GET of `path` (the request target without its query) answers: "/" is the page
// (index.html), "/console/<name>" the embedded file <name>. nullptr for anything else,
// including names with "..": only the embedded files exist.
const Asset* FindAsset(std::string_view path);

// The Content-Type of a file name, by its extension (text/html, text/javascript, text/css,
// image/svg+xml, application/json; application/octet-stream otherwise).
std::string_view ContentTypeFor(std::string_view name);

}  // namespace tideline::console
