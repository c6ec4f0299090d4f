# Every third-party library aisafe uses, found once. All come from Debian 12 packages
# listed in scripts/install-deps.sh.
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS json url)
find_package(OpenSSL 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 QUIET)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBHS REQUIRED IMPORTED_TARGET libhs)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)

# SOCI 4.0 ships no CMake package on Debian: link its core and the two backends we support.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIB soci_core REQUIRED)
find_library(SOCI_SQLITE_LIB soci_sqlite3 REQUIRED)
find_library(SOCI_PG_LIB soci_postgresql REQUIRED)
find_path(PG_INCLUDE_DIR libpq-fe.h PATH_SUFFIXES postgresql REQUIRED)
add_library(aisafe_soci INTERFACE)
target_include_directories(aisafe_soci INTERFACE ${SOCI_INCLUDE_DIR} ${PG_INCLUDE_DIR})
target_link_libraries(aisafe_soci INTERFACE ${SOCI_SQLITE_LIB} ${SOCI_PG_LIB} ${SOCI_CORE_LIB} sqlite3 pq ${CMAKE_DL_LIBS})

find_library(CRYPT_LIB crypt REQUIRED)

# libphonenumber (the pii detector's phone numbers): Debian's runtime package libphonenumber8,
# with its headers unpacked from libphonenumber-dev by scripts/install-deps.sh, because that
# package cannot be installed beside Boost 1.81 (docs/decisions/0016). No libphonenumber.so
# link is needed: the versioned library is linked by its file name.
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumbermatcher.h)
find_library(PHONENUMBER_LIB NAMES phonenumber libphonenumber.so.8)
find_path(PROTOBUF_INCLUDE_DIR google/protobuf/message_lite.h)
find_library(PROTOBUF_LIB NAMES protobuf)
find_path(ABSL_INCLUDE_DIR absl/container/node_hash_set.h)
foreach(var PHONENUMBER_INCLUDE_DIR PHONENUMBER_LIB PROTOBUF_INCLUDE_DIR PROTOBUF_LIB ABSL_INCLUDE_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "libphonenumber: ${var} not found. Run scripts/install-deps.sh (it installs "
      "libphonenumber8, libprotobuf-dev, libabsl-dev and unpacks the headers of libphonenumber-dev "
      "into /usr/local/include; see docs/decisions/0016-libphonenumber-without-its-dev-package.md).")
  endif()
endforeach()
add_library(aisafe_phonenumber INTERFACE)
# SYSTEM: the headers are third-party; our -Werror is for our code.
target_include_directories(aisafe_phonenumber SYSTEM INTERFACE
  ${PHONENUMBER_INCLUDE_DIR} ${PROTOBUF_INCLUDE_DIR} ${ABSL_INCLUDE_DIR})
target_link_libraries(aisafe_phonenumber INTERFACE ${PHONENUMBER_LIB} ${PROTOBUF_LIB})

# The allocator the binaries ship with (docs/decisions/0012-jemalloc.md). Sanitizer builds keep
# the sanitizer's own allocator, which is what finds the leaks and overflows.
add_library(aisafe_allocator INTERFACE)
if(AISAFE_JEMALLOC AND NOT AISAFE_SANITIZE AND NOT AISAFE_TSAN AND NOT AISAFE_FUZZ)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  target_link_libraries(aisafe_allocator INTERFACE PkgConfig::JEMALLOC)
endif()

if(AISAFE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(AISAFE_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
