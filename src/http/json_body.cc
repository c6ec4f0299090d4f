#include "http/json_body.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include "core/utf8.h"

namespace aisafe::http {
namespace json = boost::json;

namespace {

// At most `max` bytes of `s`, not cutting a UTF-8 sequence in two.
std::string cutUtf8(std::string_view s, std::size_t max) {
  if (s.size() <= max) {
    return std::string(s);
  }
  while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) {
    --max;
  }
  return std::string(s.substr(0, max));
}

// boost::json::parse()'s own handler (detail/handler.hpp) plus two checks. The keys of every
// object still open are copied into one arena, a stack like the nesting itself, and compared
// when the object closes; the value is built by the same value_stack as json::parse, so a
// correct body costs a copy of its keys and nothing else.
class StrictHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  StrictHandler(unsigned char* temp, std::size_t temp_size)
      : st(json::storage_ptr(), temp, temp_size) {}

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    frames_.push_back({keys_.size(), arena_.size()});
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code& ec) {
    const Frame frame = frames_.back();
    if (n > 1 && !checkUnique(frame)) {
      ec = json::error::syntax;
      return false;
    }
    keys_.resize(frame.first_key);
    arena_.resize(frame.arena_start);
    frames_.pop_back();
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    beginKey();
    arena_.insert(arena_.end(), s.begin(), s.end());
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    beginKey();
    arena_.insert(arena_.end(), s.begin(), s.end());
    keys_.push_back({key_start_, arena_.size() - key_start_});
    in_key_ = false;
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, json::error_code& ec) {
    // 1e400 (or 400 digits) comes back as infinity: no JSON number means that, and a model's
    // parser may read it otherwise or fail on it.
    if (!std::isfinite(d)) {
      problem = JsonProblem::kInvalidNumber;
      detail = std::string(s.substr(0, 40));
      ec = json::error::syntax;
      return false;
    }
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

  json::value_stack st;
  JsonProblem problem = JsonProblem::kNone;
  std::string detail;

 private:
  struct Frame {
    std::size_t first_key;    // index into keys_
    std::size_t arena_start;  // where the object's keys begin in arena_
  };
  struct Span {
    std::size_t offset;
    std::size_t size;
  };
  // Below this many keys comparing every pair is cheaper than sorting.
  static constexpr std::size_t kPairwiseKeys = 16;

  void beginKey() {
    if (!in_key_) {
      key_start_ = arena_.size();
      in_key_ = true;
    }
  }
  std::string_view view(const Span& k) const {
    return std::string_view(arena_.data() + k.offset, k.size);
  }
  // False (with problem and detail set) when a key of the closing object repeats.
  bool checkUnique(const Frame& frame) {
    const std::size_t first = frame.first_key;
    const std::size_t count = keys_.size() - first;
    std::optional<std::string_view> repeated;
    if (count <= kPairwiseKeys) {
      for (std::size_t i = first + 1; i < keys_.size() && !repeated; ++i) {
        for (std::size_t j = first; j < i; ++j) {
          if (view(keys_[i]) == view(keys_[j])) {
            repeated = view(keys_[i]);
            break;
          }
        }
      }
    } else {
      // Sorting keeps a body of 100,000 keys from costing 10^10 comparisons.
      std::vector<std::string_view> sorted;
      sorted.reserve(count);
      for (std::size_t i = first; i < keys_.size(); ++i) {
        sorted.push_back(view(keys_[i]));
      }
      std::sort(sorted.begin(), sorted.end());
      const auto it = std::adjacent_find(sorted.begin(), sorted.end());
      if (it != sorted.end()) {
        repeated = *it;
      }
    }
    if (!repeated) {
      return true;
    }
    problem = JsonProblem::kDuplicateKey;
    detail = cutUtf8(*repeated, 100);
    return false;
  }

  // Inline room for a typical body's objects and keys, so a request allocates none of them.
  boost::container::small_vector<Frame, 8> frames_;
  boost::container::small_vector<Span, 16> keys_;
  boost::container::small_vector<char, 256> arena_;
  std::size_t key_start_ = 0;
  bool in_key_ = false;
};

}  // namespace

StrictJson parseStrictJson(std::string_view text, json::storage_ptr storage) {
  StrictJson out;
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  // The value_stack's first memory, on the stack, as json::parse() does.
  unsigned char temp[BOOST_JSON_STACK_BUFFER_SIZE];
  json::basic_parser<StrictHandler> parser(options, temp, sizeof(temp));
  parser.handler().st.reset(std::move(storage));
  json::error_code ec;
  const std::size_t n = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && n < text.size()) {
    ec = json::error::extra_data;
  }
  if (!ec && !parser.done()) {
    ec = json::error::incomplete;
  }
  if (parser.handler().problem != JsonProblem::kNone) {
    out.problem = parser.handler().problem;
    out.detail = std::move(parser.handler().detail);
    return out;
  }
  if (ec == json::error::too_deep) {
    out.problem = JsonProblem::kTooDeep;
    return out;
  }
  if (ec) {
    out.problem = JsonProblem::kInvalid;
    out.detail = ec.message();
    return out;
  }
  // Constructed, not assigned: assigning a json::value copies it into the target's storage.
  return StrictJson{parser.handler().st.release(), JsonProblem::kNone, {}};
}

JsonBody parseJsonObject(const RequestContext& ctx, const Request& req, json::storage_ptr storage) {
  JsonBody out;
  const std::string& body = req.body();
  if (body.empty()) {
    out.error = errorResponse(ctx, Status::bad_request, "empty_body",
                              "the request body must be a JSON object");
    return out;
  }
  if (auto bad = utf8::firstInvalid(body)) {
    out.error = errorResponse(ctx, Status::bad_request, "invalid_utf8",
                              "the body is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
    return out;
  }
  StrictJson parsed = parseStrictJson(body, std::move(storage));
  switch (parsed.problem) {
    case JsonProblem::kNone:
      break;
    case JsonProblem::kTooDeep:
      out.error = errorResponse(ctx, Status::bad_request, "json_too_deep",
                                "JSON nesting is deeper than " + std::to_string(kMaxJsonDepth));
      return out;
    case JsonProblem::kDuplicateKey:
      out.error = errorResponse(ctx, Status::bad_request, "duplicate_key",
                                "the key \"" + parsed.detail + "\" appears twice in one object");
      return out;
    case JsonProblem::kInvalidNumber:
      out.error =
          errorResponse(ctx, Status::bad_request, "invalid_number",
                        "the number " + parsed.detail + " is outside the range of a double");
      return out;
    case JsonProblem::kInvalid:
      out.error = errorResponse(ctx, Status::bad_request, "invalid_json",
                                "the body is not valid JSON: " + parsed.detail);
      return out;
  }
  json::value v = std::move(parsed.value);
  if (!v.is_object()) {
    out.error =
        errorResponse(ctx, Status::bad_request, "invalid_json", "the body must be a JSON object");
    return out;
  }
  // Constructed, not assigned: assigning would copy the value out of `storage` onto the heap.
  return JsonBody{std::move(v), std::nullopt};
}

std::optional<Response> rejectUnknownFields(const RequestContext& ctx, const json::object& obj,
                                            std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj) {
    (void)value;
    bool known = false;
    for (auto a : allowed) {
      known = known || key == a;
    }
    if (!known) {
      std::string list;
      for (auto a : allowed) {
        list += std::string(list.empty() ? "" : ", ") + std::string(a);
      }
      return errorResponse(
          ctx, Status::bad_request, "unknown_field",
          // Cut on a code point boundary: the answer is JSON, which must stay UTF-8 (a byte cut
          // split "é" in two; found by tests/fuzz/json_body_fuzz.cc).
          "unknown field \"" + cutUtf8(key, 100) + "\" (allowed: " + list + ")");
    }
  }
  return std::nullopt;
}

std::optional<Response> readString(const RequestContext& ctx, const boost::json::object& obj,
                                   std::string_view field, std::optional<std::string>& out,
                                   bool required) {
  const auto* v = obj.if_contains(field);
  if (v == nullptr || v->is_null()) {
    if (!required) {
      return std::nullopt;
    }
    return errorResponse(ctx, Status::bad_request, "missing_field",
                         "\"" + std::string(field) + "\" is required");
  }
  if (!v->is_string()) {
    return errorResponse(ctx, Status::bad_request, "invalid_type",
                         "\"" + std::string(field) + "\" must be a string");
  }
  out = std::string(v->get_string());
  return std::nullopt;
}

}  // namespace aisafe::http
