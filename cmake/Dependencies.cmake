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

# The allocator the binaries ship with (docs/decisions/0012-jemalloc.md). Sanitizer builds keep
# the sanitizer's own allocator, which is what finds the leaks and overflows.
add_library(aisafe_allocator INTERFACE)
if(AISAFE_JEMALLOC AND NOT AISAFE_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  target_link_libraries(aisafe_allocator INTERFACE PkgConfig::JEMALLOC)
endif()

if(AISAFE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(AISAFE_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
