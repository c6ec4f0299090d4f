// Scratch directory for one test or one spawned server: created unique under
// $TMPDIR (or /tmp) and deleted with everything in it when the owner goes away.
#pragma once

#include <string>
#include <string_view>

namespace aisafe::testsupport {

class TempDir {
 public:
  // Creates <$TMPDIR or /tmp>/<prefix>-XXXXXX (mode 0700). On failure
  // valid() is false and error() says why; nothing is thrown.
  explicit TempDir(std::string_view prefix = "aisafe-test");
  ~TempDir();

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool valid() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  void removeNow() noexcept;

  std::string path_;
  std::string error_;
};

}  // namespace aisafe::testsupport
