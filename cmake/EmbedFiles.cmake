# aisafe_embed(TARGET NAME FUNCTION FILES ...): compiles data files (SQL migrations, rule sets)
# into the binary, so `aisafe` runs from any directory without a data folder beside it.
# FUNCTION becomes `const std::vector<aisafe::EmbeddedFile>& FUNCTION()` in namespace aisafe::embedded.
function(aisafe_embed target function)
  set(files ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${function}.cc)
  # A CMake list would split into separate arguments of the command: pass it '|'-joined.
  string(REPLACE ";" "|" files_arg "${files}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DFUNCTION=${function} "-DFILES=${files_arg}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files_script.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_files_script.cmake
    COMMENT "Embedding ${function}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
