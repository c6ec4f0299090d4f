#include "detect/validators.h"

#include <array>
#include <cctype>
#include <cmath>
#include <string>

#include <arpa/inet.h>

#include "detect/base64_digit.h"

namespace aisafe::detect {
namespace validators {
namespace {

std::string digitsOnly(std::string_view s, bool& other_chars) {
  std::string d;
  other_chars = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      d.push_back(c);
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '+') {
      other_chars = true;
    }
  }
  return d;
}

bool base64UrlDecode(std::string_view in, std::string& out) {
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') {
      break;
    }
    const int v = base64DigitValue(static_cast<unsigned char>(c));
    if (v < 0) {
      return false;
    }
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

bool luhn(std::string_view s) {
  bool other = false;
  const std::string d = digitsOnly(s, other);
  if (other || d.size() < 13 || d.size() > 19) {
    return false;
  }
  int sum = 0;
  bool twice = false;
  for (auto it = d.rbegin(); it != d.rend(); ++it) {
    int v = *it - '0';
    if (twice) {
      v *= 2;
      if (v > 9) {
        v -= 9;
      }
    }
    sum += v;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool ibanMod97(std::string_view s) {
  std::string iban;
  for (char c : s) {
    if (c == ' ') {
      continue;
    }
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      return false;
    }
    iban.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (iban.size() < 15 || iban.size() > 34) {
    return false;
  }
  if (!std::isalpha(static_cast<unsigned char>(iban[0])) ||
      !std::isalpha(static_cast<unsigned char>(iban[1])) ||
      !std::isdigit(static_cast<unsigned char>(iban[2])) ||
      !std::isdigit(static_cast<unsigned char>(iban[3]))) {
    return false;
  }
  const std::string rearranged = iban.substr(4) + iban.substr(0, 4);
  unsigned remainder = 0;
  for (char c : rearranged) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      remainder = (remainder * 10 + static_cast<unsigned>(c - '0')) % 97;
    } else {
      const unsigned v = static_cast<unsigned>(c - 'A' + 10);
      remainder = (remainder * 100 + v) % 97;
    }
  }
  return remainder == 1;
}

bool usSsn(std::string_view s) {
  bool other = false;
  const std::string d = digitsOnly(s, other);
  if (other || d.size() != 9) {
    return false;
  }
  const int area = std::stoi(d.substr(0, 3));
  const int group = std::stoi(d.substr(3, 2));
  const int serial = std::stoi(d.substr(5, 4));
  if (area == 0 || area == 666 || area >= 900) {
    return false;
  }
  if (group == 0 || serial == 0) {
    return false;
  }
  // Numbers used in advertising and documentation, never issued.
  if (d == "078051120" || d == "219099999" || d == "123456789") {
    return false;
  }
  return true;
}

bool ipv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') {
      ++j;
    }
    const std::size_t len = j - i;
    if (len == 0 || len > 3) {
      return false;
    }
    if (len > 1 && s[i] == '0') {
      return false;
    }
    if (std::stoi(std::string(s.substr(i, len))) > 255) {
      return false;
    }
    ++parts;
    if (j == s.size()) {
      break;
    }
    if (s[j] != '.') {
      return false;
    }
    i = j + 1;
  }
  return parts == 4;
}

bool ipv6(std::string_view s) {
  if (s.size() > 45) {
    return false;
  }
  const std::string str(s);
  unsigned char buf[16];
  if (inet_pton(AF_INET6, str.c_str(), buf) != 1) {
    return false;
  }
  // "::" alone or tiny forms like "a::b" are more often code than addresses.
  int groups = 0;
  for (char c : s) {
    groups += (c == ':');
  }
  return groups >= 2 && s.size() >= 6;
}

bool phone(std::string_view s) {
  bool other = false;
  const std::string d = digitsOnly(s, other);
  if (other || d.size() < 7 || d.size() > 15) {
    return false;
  }
  bool all_same = true;
  for (char c : d) {
    all_same &= (c == d[0]);
  }
  return !all_same;
}

double shannonEntropy(std::string_view s) {
  if (s.empty()) {
    return 0.0;
  }
  std::array<int, 256> counts{};
  for (unsigned char c : s) {
    ++counts[c];
  }
  double h = 0.0;
  for (int n : counts) {
    if (n == 0) {
      continue;
    }
    const double p = static_cast<double>(n) / static_cast<double>(s.size());
    h -= p * std::log2(p);
  }
  return h;
}

bool entropy(std::string_view s) {
  // The value is what follows the last '=' or ':' of an assignment, without quotes.
  std::string_view value = s;
  if (auto p = value.find_first_of("=:"); p != std::string_view::npos) {
    value = value.substr(p + 1);
  }
  auto strip = [](std::string_view v) {
    while (!v.empty() &&
           (v.front() == ' ' || v.front() == '"' || v.front() == '\'' || v.front() == '`' ||
            v.front() == '=' || v.front() == ':' || v.front() == '>')) {
      v.remove_prefix(1);
    }
    while (!v.empty() && (v.back() == ' ' || v.back() == '"' || v.back() == '\'' ||
                          v.back() == '`' || v.back() == ';' || v.back() == ',')) {
      v.remove_suffix(1);
    }
    return v;
  };
  value = strip(value);
  if (value.size() < 8) {
    return false;
  }
  const std::string low = lower(value);
  static constexpr std::array<std::string_view, 22> kPlaceholders = {
      "changeme", "password", "passw0rd", "secret",   "example", "xxxx",        "****",  "<",
      "${",       "{{",       "%s",       "your_",    "your-",   "placeholder", "dummy", "redacted",
      "none",     "null",     "todo",     "test1234", "123456",  "abcdef"};
  for (std::string_view p : kPlaceholders) {
    if (low.find(p) != std::string::npos) {
      return false;
    }
  }
  return shannonEntropy(value) >= 3.0;
}

bool jwt(std::string_view s) {
  const auto d1 = s.find('.');
  if (d1 == std::string_view::npos) {
    return false;
  }
  const auto d2 = s.find('.', d1 + 1);
  if (d2 == std::string_view::npos || d2 == s.size() - 1) {
    return false;
  }
  std::string header;
  if (!base64UrlDecode(s.substr(0, d1), header)) {
    return false;
  }
  return header.find('{') != std::string::npos && header.find("\"alg\"") != std::string::npos;
}

}  // namespace validators

Validator findValidator(std::string_view name) {
  struct Entry {
    std::string_view name;
    Validator fn;
  };
  static constexpr std::array<Entry, 8> kValidators = {{
      {"luhn", validators::luhn},
      {"iban_mod97", validators::ibanMod97},
      {"us_ssn", validators::usSsn},
      {"ipv4", validators::ipv4},
      {"ipv6", validators::ipv6},
      {"phone", validators::phone},
      {"entropy", validators::entropy},
      {"jwt", validators::jwt},
  }};
  for (const auto& e : kValidators) {
    if (e.name == name) {
      return e.fn;
    }
  }
  return nullptr;
}

}  // namespace aisafe::detect
