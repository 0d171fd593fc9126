#include "console/assets.h"

#include <string>
#include <unordered_map>

#include "console/embedded_files.h"

namespace tideline::console {

namespace {

constexpr std::string_view kAssetPrefix = "/console/";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Built once, on first use: the table of the embedded files by name.
const std::unordered_map<std::string_view, Asset>& AssetsByName() {
  static const auto* const assets = [] {
    auto* map = new std::unordered_map<std::string_view, Asset>();
    for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
      const EmbeddedFile& file = kEmbeddedFiles[i];
      (*map)[file.name] =
          Asset{ContentTypeFor(file.name),
                std::string_view(reinterpret_cast<const char*>(file.data), file.size)};
    }
    return map;
  }();
  return *assets;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view name) {
  if (EndsWith(name, ".html")) return "text/html; charset=utf-8";
  if (EndsWith(name, ".js")) return "text/javascript; charset=utf-8";
  if (EndsWith(name, ".css")) return "text/css; charset=utf-8";
  if (EndsWith(name, ".svg")) return "image/svg+xml";
  if (EndsWith(name, ".json")) return "application/json";
  return "application/octet-stream";
}

const Asset* FindAsset(std::string_view path) {
  std::string_view name;
  if (path == "/") {
    name = "index.html";
  } else if (path.substr(0, kAssetPrefix.size()) == kAssetPrefix) {
    name = path.substr(kAssetPrefix.size());
  } else {
    return nullptr;
  }
  const auto& assets = AssetsByName();
  const auto it = assets.find(name);
  return it == assets.end() ? nullptr : &it->second;
}

}  // namespace tideline::console
