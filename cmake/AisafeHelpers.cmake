# Warnings, sanitizers and the small helpers every module uses, so each module's
# CMakeLists.txt only says what it is made of and what it depends on.

# -Wno-restrict: GCC 12 at -O3 reports impossible overlaps inside std::string (GCC bug 105651).
set(AISAFE_WARNINGS -Wall -Wextra -Werror -Wno-missing-field-initializers -Wno-restrict)

if(AISAFE_SANITIZE)
  # -fno-sanitize=vptr: the vptr check needs typeinfo that Debian's SOCI does not export.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# aisafe_library(NAME SOURCES ... DEPS ...): one static library per module.
# Layering is enforced by linking: a module can only use what it lists in DEPS.
function(aisafe_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${AISAFE_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# aisafe_test(NAME SOURCES ... DEPS ... [LABELS ...]): a GoogleTest binary registered with CTest.
function(aisafe_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${AISAFE_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    AISAFE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    AISAFE_BINARY="$<TARGET_FILE:aisafe>")
  add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
  # Compiling the shipped rules takes seconds; every test process shares one on-disk cache.
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 600
    ENVIRONMENT "COMPILED_RULES_CACHE_DIR=${PROJECT_BINARY_DIR}/compiled-rules-cache")
endfunction()

# aisafe_forbid_links(TARGETS ... FORBIDDEN ...): configuring fails when one of TARGETS links one
# of FORBIDDEN, directly or through any chain of libraries. Every folder shares one include path,
# so a forbidden include would still compile and link into the server; this turns the layering
# rule into an error at the moment someone adds the dependency.
function(aisafe_forbid_links)
  cmake_parse_arguments(ARG "" "" "TARGETS;FORBIDDEN" ${ARGN})
  foreach(start IN LISTS ARG_TARGETS)
    set(seen "")
    set(queue ${start})
    while(queue)
      list(POP_FRONT queue current)
      if(current IN_LIST seen OR NOT TARGET ${current})
        continue()
      endif()
      list(APPEND seen ${current})
      if(current IN_LIST ARG_FORBIDDEN)
        message(FATAL_ERROR "${start} links ${current}, which the layering rule forbids "
                            "(docs/architecture.md). Depend on an interface the module owns and "
                            "let src/app wire the implementation.")
      endif()
      foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
        get_target_property(deps ${current} ${property})
        if(deps)
          list(APPEND queue ${deps})
        endif()
      endforeach()
    endwhile()
  endforeach()
endfunction()
