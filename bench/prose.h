// The benchmarks' text: ordinary prose with the occasional email and number, like real
// prompts, optionally with accents, CJK, Cyrillic and Greek, repeated to `bytes` (cut on a
// UTF-8 boundary).
#pragma once

#include <string>

namespace aisafe::bench {

inline std::string prompt(std::size_t bytes, bool non_ascii) {
  static const char* kParagraphs[] = {
      "Could you summarise the attached quarterly report for the leadership team? Focus on "
      "revenue growth, churn in the enterprise segment and the hiring plan for Q3. ",
      "Please draft a polite reply to the customer who wrote to support@example.com about a "
      "delayed shipment of order 48213; offer a discount code and an updated delivery date. ",
      "Write a Python function that parses ISO 8601 timestamps, handles time zones correctly and "
      "raises a clear ValueError for malformed input. Include unit tests with pytest. ",
      "Translate the following paragraph into French and keep the formatting of the bullet list "
      "intact, including the numbers 1.5, 2.75 and 2024-05-01. ",
  };
  static const char* kUnicode =
      "Résumé: naïve café — «quote» 日本語のテキスト, Привет мир, Ελληνικά. ";
  std::string out;
  std::size_t i = 0;
  while (out.size() < bytes) {
    out += kParagraphs[i++ % 4];
    if (non_ascii && i % 2 == 0) out += kUnicode;
  }
  out.resize(bytes);
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  return out;
}

}  // namespace aisafe::bench
