#include "support/temp_dir.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

namespace aisafe::testsupport {

TempDir::TempDir(std::string_view prefix) {
  std::string base = "/tmp";
  if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') {
    base = tmp;
  }
  while (base.size() > 1 && base.back() == '/') base.pop_back();

  std::string pattern = base + "/" + std::string(prefix) + "-XXXXXX";
  // mkdtemp rewrites the template in place, so it needs a mutable buffer.
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    error_ = "mkdtemp(" + pattern + ") failed: " + std::strerror(errno);
    return;
  }
  path_ = buffer.data();
}

TempDir::~TempDir() { removeNow(); }

TempDir::TempDir(TempDir&& other) noexcept
    : path_(std::exchange(other.path_, {})), error_(std::move(other.error_)) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    removeNow();
    path_ = std::exchange(other.path_, {});
    error_ = std::move(other.error_);
  }
  return *this;
}

void TempDir::removeNow() noexcept {
  if (path_.empty()) return;
  // error_code overload: a destructor must not throw, and a leftover scratch
  // directory is not worth failing a test over.
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  path_.clear();
}

}  // namespace aisafe::testsupport
