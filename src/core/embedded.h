// Data files compiled into the binary (migrations, default rule sets): see cmake/EmbedFiles.cmake.
#pragma once

#include <string_view>
#include <vector>

namespace aisafe {

struct EmbeddedFile {
  std::string_view name;  // file name without directories, e.g. "001_initial.up.sql"
  std::string_view content;
};

}  // namespace aisafe
