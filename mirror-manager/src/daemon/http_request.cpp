// Beast request → HttpRequest (see http_request.h).
#include "http_request.h"

#include <cctype>
#include <string>

namespace ovse::manager::daemon {

HttpRequest toRequest(const boost::beast::http::request<boost::beast::http::string_body>& req) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.body = req.body();
  return out;
}

}  // namespace ovse::manager::daemon
