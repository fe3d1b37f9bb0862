# Helpers that give every rewardlab target the same flags, and so the same precompiled
# header: a translation unit that parses <torch/torch.h> from scratch takes ~25 s.

set(RLAB_WARNINGS -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)

# The precompiled header, built once in its own object library and reused everywhere.
function(rlab_make_pch)
  add_library(rlab_pch OBJECT "${PROJECT_SOURCE_DIR}/cmake/pch.cc")
  target_link_libraries(rlab_pch PUBLIC rlab_torch fmt::fmt nlohmann_json::nlohmann_json)
  target_compile_options(rlab_pch PRIVATE ${RLAB_WARNINGS})
  target_precompile_headers(rlab_pch PRIVATE "${PROJECT_SOURCE_DIR}/cmake/pch.h")
endfunction()

function(rlab_use_pch target)
  target_compile_options(${target} PRIVATE ${RLAB_WARNINGS})
  target_precompile_headers(${target} REUSE_FROM rlab_pch)
endfunction()

# rlab_area_library(NAME rlab_core SOURCES a.cc b.cc DEPS ...)
function(rlab_area_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(${ARG_NAME} STATIC ${ARG_SOURCES})
  target_include_directories(${ARG_NAME} PUBLIC "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS})
  rlab_use_pch(${ARG_NAME})
endfunction()
