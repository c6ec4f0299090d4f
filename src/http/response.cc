#include "http/response.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include <boost/json.hpp>

namespace aisafe::http {
namespace beasthttp = boost::beast::http;

namespace {

bool startsNumber(char c) { return c == '-' || (c >= '0' && c <= '9'); }
bool inNumber(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// The index just past the string whose opening quote is at `open`.
std::size_t pastString(std::string_view in, std::size_t open) {
  std::size_t at = open + 1;
  for (;;) {
    const void* quote = std::memchr(in.data() + at, '"', in.size() - at);
    if (quote == nullptr) {
      return in.size();
    }
    const auto q = static_cast<std::size_t>(static_cast<const char*>(quote) - in.data());
    std::size_t backslashes = 0;
    while (q - backslashes > open + 1 && in[q - backslashes - 1] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 0) {
      return q + 1;
    }
    at = q + 1;
  }
}

// `value` as a plain decimal when that is exact and short; empty otherwise.
std::string_view plainDecimal(double value, char (&buf)[64]) {
  if (!(value == 0 || (std::fabs(value) >= 1e-6 && std::fabs(value) < 1e15))) {
    return {};
  }
  // Room left for ".0": still a double to a reader, "0.0" and not the integer "0".
  const auto printed = std::to_chars(buf, buf + sizeof buf - 2, value, std::chars_format::fixed);
  if (printed.ec != std::errc()) {
    return {};
  }
  char* end = printed.ptr;
  if (std::memchr(buf, '.', static_cast<std::size_t>(end - buf)) == nullptr) {
    *end++ = '.';
    *end++ = '0';
  }
  return {buf, static_cast<std::size_t>(end - buf)};
}

// `token` (a JSON number) as a plain decimal when it is in exponent form and that is exact and
// short; empty otherwise.
std::string_view plainDecimal(std::string_view token, char (&buf)[64]) {
  if (token.find_first_of("Ee") == std::string_view::npos) {
    return {};
  }
  double value = 0;
  const auto parsed = std::from_chars(token.data(), token.data() + token.size(), value);
  if (parsed.ec != std::errc() || parsed.ptr != token.data() + token.size()) {
    return {};
  }
  return plainDecimal(value, buf);
}

// `s` as a JSON string. Text without quotes, backslashes, control or non-ASCII bytes (ids,
// names) is written as it is; anything else goes through Boost.JSON's escaping.
void appendJsonString(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  });
  if (!plain) {
    out += boost::json::serialize(boost::json::string_view(s.data(), s.size()));
    return;
  }
  out += '"';
  out += s;
  out += '"';
}

}  // namespace

std::string serializeJson(const boost::json::value& v) {
  std::string in = boost::json::serialize(v);
  if (in.find_first_of("Ee") == std::string::npos) {
    return in;
  }
  // Copies spans of `in`, skipping strings whole, and rewrites only the numbers that need it.
  std::string out;
  out.reserve(in.size());
  const std::string_view text(in);
  std::size_t copied = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      i = pastString(text, i);
      continue;
    }
    if (!startsNumber(c)) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && inNumber(text[j])) {
      ++j;
    }
    char buf[64];
    if (const std::string_view plain = plainDecimal(text.substr(i, j - i), buf); !plain.empty()) {
      out.append(text.substr(copied, i - copied)).append(plain);
      copied = j;
    }
    i = j;
  }
  out.append(text.substr(copied));
  return out;
}

Response jsonResponse(Status status, const boost::json::value& body) {
  return jsonTextResponse(status, serializeJson(body));
}

Response jsonTextResponse(Status status, std::string body) {
  Response res{status, 11};
  res.set(beasthttp::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

std::string withRequestFields(std::string_view object, std::string_view request_id,
                              std::int64_t latency_us) {
  std::string out;
  out.reserve(object.size() + request_id.size() + 48);
  out.append(object.substr(0, object.size() - 1));  // without its '}'
  if (object.size() > 2) {
    out += ',';
  }
  out += "\"request_id\":";
  appendJsonString(out, request_id);
  out += ",\"latency_ms\":";
  char buf[64];
  if (latency_us < 0) {
    const std::string_view plain = plainDecimal(static_cast<double>(latency_us) / 1000.0, buf);
    out += plain.empty() ? serializeJson(static_cast<double>(latency_us) / 1000.0) : plain;
  } else {
    // Whole milliseconds, then up to three decimals without trailing zeros but at least one:
    // the shortest text of latency_us / 1000.0, which is what serializeJson writes for it.
    char* end = std::to_chars(buf, buf + sizeof buf, latency_us / 1000).ptr;
    *end++ = '.';
    int fraction = static_cast<int>(latency_us % 1000);
    int digits = 3;
    while (digits > 1 && fraction % 10 == 0) {
      fraction /= 10;
      --digits;
    }
    for (int i = digits - 1; i >= 0; --i) {
      end[i] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    out.append(buf, static_cast<std::size_t>(end + digits - buf));
  }
  out += '}';
  return out;
}

std::string renderHead(const Response& res) {
  std::string head;
  head.reserve(256);
  char buf[16];
  head += "HTTP/";
  head += static_cast<char>('0' + res.version() / 10);
  head += '.';
  head += static_cast<char>('0' + res.version() % 10);
  head += ' ';
  head.append(buf, std::to_chars(buf, buf + sizeof buf, res.result_int()).ptr);
  head += ' ';
  head += res.reason();
  head += "\r\n";
  for (const auto& field : res) {
    head += field.name_string();
    head += ": ";
    head += field.value();
    head += "\r\n";
  }
  head += "\r\n";
  return head;
}

Response listResponse(boost::json::array items) {
  return jsonResponse(Status::ok, boost::json::object{{"data", std::move(items)}});
}

Response errorResponse(const RequestContext& ctx, Status status, std::string_view code,
                       std::string_view message) {
  boost::json::object err;
  err["code"] = code;
  err["message"] = message;
  err["request_id"] = ctx.request_id;
  return jsonResponse(status, boost::json::object{{"error", std::move(err)}});
}

Response errorResponse(const RequestContext& ctx, const aisafe::Status& status) {
  auto code = [&](std::string_view fallback) {
    return status.reason().empty() ? fallback : std::string_view(status.reason());
  };
  switch (status.code()) {
    case StatusCode::kOk:
    case StatusCode::kInternal:
      break;
    case StatusCode::kInvalidArgument:
      return errorResponse(ctx, Status::bad_request, code("invalid_request"), status.message());
    case StatusCode::kUnprocessable:
      return errorResponse(ctx, Status::unprocessable_entity, code("validation_failed"),
                           status.message());
    case StatusCode::kNotFound:
      return errorResponse(ctx, Status::not_found, code("not_found"), status.message());
    case StatusCode::kConflict:
      return errorResponse(ctx, Status::conflict, code("conflict"), status.message());
    case StatusCode::kUnauthenticated: {
      Response res =
          errorResponse(ctx, Status::unauthorized, code("unauthenticated"), status.message());
      res.set(boost::beast::http::field::www_authenticate, "Bearer");
      return res;
    }
    case StatusCode::kPermissionDenied:
      return errorResponse(ctx, Status::forbidden, code("forbidden"), status.message());
    case StatusCode::kTooManyRequests:
      return errorResponse(ctx, Status::too_many_requests, code("too_many_requests"),
                           status.message());
    case StatusCode::kUnavailable: {
      // Something the request needs is away (the database, a remote service): worth asking
      // again shortly, and saying so lets clients and load balancers back off properly.
      Response res =
          errorResponse(ctx, Status::service_unavailable, code("unavailable"), status.message());
      res.set(boost::beast::http::field::retry_after, "1");
      return res;
    }
  }
  // Internal details stay in the log; the client gets the request id to quote.
  return errorResponse(ctx, Status::internal_server_error, "internal_error",
                       "internal error; quote the request_id when reporting it");
}

}  // namespace aisafe::http
