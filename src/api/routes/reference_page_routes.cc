#include "api/routes/reference_page_routes.h"

#include <map>
#include <memory>
#include <string>

#include "core/embedded.h"
#include "http/response.h"

namespace aisafe::embedded {
const std::vector<EmbeddedFile>& referencePageFiles();  // see src/api/CMakeLists.txt
}  // namespace aisafe::embedded

namespace aisafe::api {
namespace beasthttp = boost::beast::http;

namespace {

// The renderer's bundle: without it (a build without npm) the page would be an empty shell.
constexpr std::string_view kRenderer = "swagger-ui-bundle.js";

// Swagger UI sets style attributes and shows images as data: URLs; scripts and fetches stay on
// this origin, and nothing may frame the page.
constexpr std::string_view kPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

std::string_view contentTypeOf(std::string_view name) {
  if (name.ends_with(".html")) {
    return "text/html; charset=utf-8";
  }
  if (name.ends_with(".js")) {
    return "text/javascript; charset=utf-8";
  }
  if (name.ends_with(".css")) {
    return "text/css; charset=utf-8";
  }
  return "application/octet-stream";
}

http::Response fileResponse(const EmbeddedFile& file) {
  http::Response res{beasthttp::status::ok, 11};
  res.set(beasthttp::field::content_type, contentTypeOf(file.name));
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy", kPagePolicy);
  // The files change only with the binary; a day in the browser's cache is plenty.
  res.set(beasthttp::field::cache_control, "public, max-age=86400");
  res.body() = std::string(file.content);
  res.prepare_payload();
  return res;
}

}  // namespace

void addReferencePageRoutes(RouteHandlers& routes) {
  auto files = std::make_shared<std::map<std::string, EmbeddedFile, std::less<>>>();
  for (const auto& f : embedded::referencePageFiles()) {
    (*files)[std::string(f.name)] = f;
  }
  const bool complete = files->contains(kRenderer) && files->contains("index.html");
  routes.handle("getApiReference", [files, complete](http::RequestContext& ctx,
                                                     const http::Request&) {
    if (!complete) {
      return http::errorResponse(ctx, beasthttp::status::not_found, "reference_page_missing",
                                 "this binary was built without npm, so it has no API reference "
                                 "page; the OpenAPI document is at /openapi.json");
    }
    return fileResponse(files->at("index.html"));
  });
  routes.handle("getApiReferenceFile",
                [files, complete](http::RequestContext& ctx, const http::Request&) {
                  const auto it = files->find(ctx.path_params.at("file"));
                  if (!complete || it == files->end() || it->first == "index.html") {
                    return http::errorResponse(ctx, beasthttp::status::not_found, "not_found",
                                               "no such file of the reference page");
                  }
                  return fileResponse(it->second);
                });
}

}  // namespace aisafe::api
