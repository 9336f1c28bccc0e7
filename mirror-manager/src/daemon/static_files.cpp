// Static files of the web UI (see static_files.h).
#include "mirror_manager/daemon/static_files.h"

#include <fstream>
#include <sstream>

#include "mirror_manager/daemon/api_error.h"

namespace ovse::manager::daemon {
namespace {

HttpResponse notFound(std::string_view url_path) {
  return errorResponse(ApiError{404, "no such file: " + std::string(url_path), "", {}});
}

}  // namespace

std::string_view contentTypeFor(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  return "application/octet-stream";
}

HttpResponse serveStatic(const std::filesystem::path& root, std::string_view url_path) {
  if (root.empty() || url_path.empty() || url_path.front() != '/' ||
      url_path.find('\0') != std::string_view::npos) {
    return notFound(url_path);
  }
  std::filesystem::path relative(url_path.substr(1));
  for (const auto& part : relative) {
    if (part == "..") return notFound(url_path);
  }
  if (url_path.back() == '/') relative /= "index.html";
  std::error_code ec;
  auto base = std::filesystem::canonical(root, ec);
  auto file = ec ? std::filesystem::path{} : std::filesystem::canonical(base / relative, ec);
  // canonical() resolves symlinks: the result must still lie under the root.
  auto [root_end, file_it] = std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (ec || root_end != base.end() || !std::filesystem::is_regular_file(file)) {
    return notFound(url_path);
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return notFound(url_path);
  std::ostringstream buf;
  buf << in.rdbuf();
  HttpResponse r;
  r.content_type = std::string(contentTypeFor(file));
  r.body = buf.str();
  r.headers["Cache-Control"] = "no-cache";
  return r;
}

}  // namespace ovse::manager::daemon
