#include "detect/pattern_compiler.h"

#include <hs/hs.h>

namespace aisafe::detect {

void HsDatabaseDeleter::operator()(hs_database* db) const { hs_free_database(db); }

unsigned flagsFor(bool caseless, bool som) {
  return HS_FLAG_UTF8 | (som ? HS_FLAG_SOM_LEFTMOST : 0u) | (caseless ? HS_FLAG_CASELESS : 0u);
}

Status checkPattern(const std::string& pattern, bool caseless) {
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile(pattern.c_str(), flagsFor(caseless), HS_MODE_BLOCK, nullptr, &db, &err) !=
      HS_SUCCESS) {
    std::string msg = err != nullptr ? err->message : "unknown error";
    hs_free_compile_error(err);
    return unprocessable(msg);
  }
  hs_free_database(db);
  return Status::ok();
}

Result<HsDatabase> compileRules(const std::vector<const PatternRule*>& rules, bool som) {
  std::vector<const char*> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    expressions.push_back(rules[i]->pattern.c_str());
    flags.push_back(flagsFor(rules[i]->caseless, som));
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &db,
                       &err) != HS_SUCCESS) {
    std::string msg = err != nullptr ? err->message : "unknown error";
    if (err != nullptr && err->expression >= 0 &&
        static_cast<std::size_t>(err->expression) < rules.size()) {
      msg = "rule " + rules[static_cast<std::size_t>(err->expression)]->id + ": " + msg;
    }
    hs_free_compile_error(err);
    return unprocessable(msg);
  }
  return HsDatabase(db);
}

}  // namespace aisafe::detect
