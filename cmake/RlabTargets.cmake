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

# rlab_add_test(NAME core_config SOURCES config_test.cc LABELS unit DEPS rlab_core)
# One GoogleTest executable per test file; each test case becomes a CTest test with the
# given labels (unit, slow, realdata, browser).
function(rlab_add_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SOURCES;LABELS;DEPS" ${ARGN})
  add_executable(test_${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(test_${ARG_NAME} PRIVATE ${ARG_DEPS} rlab_test_support GTest::gtest GTest::gtest_main)
  target_compile_definitions(test_${ARG_NAME} PRIVATE
    RLAB_BINARY="$<TARGET_FILE:rlab>"
    RLAB_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    RLAB_BINARY_DIR="${PROJECT_BINARY_DIR}")
  rlab_use_pch(test_${ARG_NAME})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  gtest_discover_tests(test_${ARG_NAME}
    TEST_PREFIX "${ARG_NAME}."
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
endfunction()

# Test helpers (scratch directories, running the rlab binary), linked into every test.
function(rlab_make_test_support)
  add_library(rlab_test_support STATIC "${PROJECT_SOURCE_DIR}/tests/test_support.cc")
  target_include_directories(rlab_test_support PUBLIC "${PROJECT_SOURCE_DIR}/tests" "${PROJECT_SOURCE_DIR}/src")
  target_compile_definitions(rlab_test_support PRIVATE
    RLAB_BINARY="$<TARGET_FILE:rlab>" RLAB_BINARY_DIR="${PROJECT_BINARY_DIR}")
  target_compile_options(rlab_test_support PRIVATE ${RLAB_WARNINGS})
  add_dependencies(rlab_test_support rlab)
endfunction()
