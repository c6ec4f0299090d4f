#include "validation/verdict.h"

#include <boost/json.hpp>

namespace aisafe::validation {

namespace json = boost::json;

std::string toCacheText(const Verdict& v) {
  json::array hits;
  for (const auto& [d, c] : v.hits) {
    hits.push_back(json::array{json::string(d), json::string(c)});
  }
  return json::serialize(json::object{{"body", v.body},
                                      {"decision", v.decision},
                                      {"risk_score", v.risk_score},
                                      {"detectors", v.detectors},
                                      {"hits", std::move(hits)}});
}

std::optional<Verdict> fromCacheText(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return std::nullopt;
  }
  const auto& o = v.get_object();
  const auto* body = o.if_contains("body");
  const auto* decision = o.if_contains("decision");
  const auto* risk = o.if_contains("risk_score");
  const auto* detectors = o.if_contains("detectors");
  const auto* hits = o.if_contains("hits");
  if (!body || !body->is_object() || !decision || !decision->is_string() || !risk ||
      !risk->is_number() || !detectors || !detectors->is_string() || !hits || !hits->is_array()) {
    return std::nullopt;
  }
  Verdict out;
  out.body = body->get_object();
  out.decision = std::string(decision->get_string());
  out.risk_score = risk->to_number<double>();
  out.detectors = std::string(detectors->get_string());
  for (const auto& h : hits->get_array()) {
    if (!h.is_array() || h.get_array().size() != 2 || !h.get_array()[0].is_string() ||
        !h.get_array()[1].is_string()) {
      return std::nullopt;
    }
    out.hits.emplace_back(std::string(h.get_array()[0].get_string()),
                          std::string(h.get_array()[1].get_string()));
  }
  return out;
}

}  // namespace aisafe::validation
