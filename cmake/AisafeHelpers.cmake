# Warnings, sanitizers and the small helpers every module uses, so each module's
# CMakeLists.txt only says what it is made of and what it depends on.

set(AISAFE_WARNINGS -Wall -Wextra -Werror -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 at -O3 reports impossible overlaps inside std::string (GCC bug 105651). Clang has no
  # such warning, and an unknown -Wno- flag is itself an error under -Werror.
  list(APPEND AISAFE_WARNINGS -Wno-restrict)
endif()

if(AISAFE_SANITIZE)
  # -fno-sanitize=vptr: the vptr check needs typeinfo that Debian's SOCI does not export.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# ThreadSanitizer (the tsan preset, `make test-tsan`). Every library is built with it, so the
# races it reports are in code it can see; the system libraries are not instrumented.
# Asio's handlers run inside a "fenced block" (std::atomic_thread_fence), which TSan does not
# model and GCC refuses under -Werror (-Wtsan). The fences only add ordering on top of the
# scheduler's mutexes, which TSan does see, so the TSan build uses Asio's no-op fenced block.
if(AISAFE_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_compile_definitions(BOOST_ASIO_DISABLE_FENCED_BLOCK)
  add_link_options(-fsanitize=thread)
endif()

# libFuzzer (the fuzz preset, `make fuzz`, docs/fuzzing.md): clang only. Every library gets the
# coverage instrumentation and ASan+UBSan (fuzzer-no-link: only the fuzz targets link libFuzzer's
# main). -fno-sanitize=function: clang 14's function check fails to assemble coroutine code;
# vptr: as above, SOCI's typeinfo.
if(AISAFE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "AISAFE_FUZZ needs clang (libFuzzer): use the fuzz preset")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr,function
                      -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
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

# aisafe_fuzzer(NAME SOURCES ... DEPS ...): a libFuzzer target (tests/fuzz/NAME_fuzz.cc), built only
# with AISAFE_FUZZ. Its seed corpus is tests/fuzz/corpus/NAME, its dictionary tests/fuzz/NAME.dict.
function(aisafe_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name}_fuzz ${ARG_SOURCES})
  target_compile_options(${name}_fuzz PRIVATE ${AISAFE_WARNINGS})
  target_link_libraries(${name}_fuzz PRIVATE ${ARG_DEPS})
  target_link_options(${name}_fuzz PRIVATE -fsanitize=fuzzer)
  set_property(GLOBAL APPEND PROPERTY AISAFE_FUZZERS ${name}_fuzz)
endfunction()
