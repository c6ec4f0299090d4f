# Fails when a source file under one of DIRS (relative to ROOT) includes a header from one of the
# FORBIDDEN folders, e.g. detectors including "http/...". Run by ctest:
#   cmake -DROOT=<src> -DDIRS="detect;detectors" -DFORBIDDEN="auth;http" -P check_includes.cmake
# The link rules (aisafe_forbid_links) catch a forbidden dependency in CMake; this catches the
# include itself, which compiles anyway because every folder shares one include path.
foreach(var ROOT DIRS FORBIDDEN)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_includes.cmake: -D${var}=... is required")
  endif()
endforeach()

list(JOIN FORBIDDEN "|" alternatives)
set(pattern "#[ \t]*include[ \t]*[<\"](${alternatives})/[^>\"]*[>\"]")
set(violations "")
set(checked 0)
foreach(dir IN LISTS DIRS)
  file(GLOB_RECURSE files "${ROOT}/${dir}/*.h" "${ROOT}/${dir}/*.cc")
  foreach(file IN LISTS files)
    math(EXPR checked "${checked} + 1")
    file(STRINGS "${file}" lines REGEX "${pattern}")
    foreach(line IN LISTS lines)
      file(RELATIVE_PATH relative "${ROOT}" "${file}")
      string(STRIP "${line}" line)
      list(APPEND violations "  ${relative}: ${line}")
    endforeach()
  endforeach()
endforeach()

if(checked EQUAL 0)
  message(FATAL_ERROR "check_includes.cmake: no sources found under ${ROOT} (${DIRS})")
endif()
if(violations)
  list(JOIN violations "\n" report)
  message(FATAL_ERROR "Files under ${DIRS} include ${FORBIDDEN} (forbidden by the layering rule, "
                      "docs/architecture.md):\n${report}")
endif()
message(STATUS "${checked} files under ${DIRS}: no include of ${FORBIDDEN}")
