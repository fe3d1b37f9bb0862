# Helpers that give every rewardlab target the same flags, and so the same precompiled
# header: a translation unit that parses <torch/torch.h> from scratch takes ~25 s.

set(RLAB_WARNINGS -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)
# Code is compiled -fPIC (the Python module links the libraries, below). Under -fPIC gcc assumes
# that any global function may be replaced at load time, so it stops inlining calls to functions
# defined in the same translation unit (a unity batch holds many); nothing here is ever
# interposed, so say so and keep the code -fPIE would give.
set(RLAB_CODEGEN_OPTIONS -fno-semantic-interposition)
# Test code is glue around the libraries, which keep the build type's -O3: at -O1 gcc compiles a
# test bundle in ~55% of the time (test_text_unit: 53 against 93 CPU-seconds), about a fifth of
# a clean build, and the tests spend their time in the libraries. -O1 still defines
# __OPTIMIZE__, as the precompiled header (-O3) did, so gcc keeps using the header.
set(RLAB_TEST_OPTIMISATION -O1)

# The precompiled header, built once in its own object library and reused everywhere.
function(rlab_make_pch)
  add_library(rlab_pch OBJECT "${PROJECT_SOURCE_DIR}/cmake/pch.cc")
  target_link_libraries(rlab_pch PUBLIC rlab_torch fmt::fmt nlohmann_json::nlohmann_json)
  target_compile_options(rlab_pch PRIVATE ${RLAB_WARNINGS} ${RLAB_CODEGEN_OPTIONS})
  target_precompile_headers(rlab_pch PRIVATE "${PROJECT_SOURCE_DIR}/cmake/pch.h")
endfunction()

function(rlab_use_pch target)
  target_compile_options(${target} PRIVATE ${RLAB_WARNINGS} ${RLAB_CODEGEN_OPTIONS})
  target_precompile_headers(${target} REUSE_FROM rlab_pch)
  # Libraries are compiled -fPIC (CMAKE_POSITION_INDEPENDENT_CODE: the Python module links
  # them), and so is the precompiled header; gcc ignores a header compiled with -fPIC in a
  # translation unit compiled -fPIE, which cost an executable ~20 s per translation unit. So
  # executables are compiled -fPIC too (and still linked as position-independent executables).
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
    target_compile_options(${target} PRIVATE -fPIC)
  endif()
endfunction()

# rlab_area_library(NAME rlab_core SOURCES a.cc b.cc DEPS ...)
function(rlab_area_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(${ARG_NAME} STATIC ${ARG_SOURCES})
  target_include_directories(${ARG_NAME} PUBLIC "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS})
  rlab_use_pch(${ARG_NAME})
endfunction()

# rlab_add_test(NAME core_config SOURCES config_test.cc LABELS unit DEPS rlab_core [TIMEOUT s])
# Declares one test file. Test files are not built one executable each: every file of an
# area with the same labels joins one executable, test_<area>_<labels>, built as a unity
# build (see RLAB_UNITY_BUILD). A test file compiled on its own spends about 20 s loading the
# precompiled header and instantiating libtorch's templates; a bundle of twenty spends that
# once. rlab_finish_tests() makes the executables after every test folder has been read.
# NAME only documents the file; a unit executable registers with CTest as <area>.unit (all its
# cases in one process), every other case as <area>.<Suite>.<Case>.
function(rlab_add_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SOURCES;LABELS;DEPS" ${ARGN})
  file(RELATIVE_PATH folder "${PROJECT_SOURCE_DIR}/tests" "${CMAKE_CURRENT_SOURCE_DIR}")
  string(REGEX REPLACE "/.*" "" area "${folder}")
  string(JOIN "_" label_key ${ARG_LABELS})
  set(bundle "${area}_${label_key}")
  list(TRANSFORM ARG_SOURCES PREPEND "${CMAKE_CURRENT_SOURCE_DIR}/")
  get_property(bundles GLOBAL PROPERTY RLAB_TEST_BUNDLES)
  if(NOT bundle IN_LIST bundles)
    set_property(GLOBAL APPEND PROPERTY RLAB_TEST_BUNDLES ${bundle})
    set_property(GLOBAL PROPERTY RLAB_TEST_${bundle}_AREA ${area})
    set_property(GLOBAL PROPERTY RLAB_TEST_${bundle}_LABELS ${ARG_LABELS})
    set_property(GLOBAL PROPERTY RLAB_TEST_${bundle}_TIMEOUT 300)
  endif()
  set_property(GLOBAL APPEND PROPERTY RLAB_TEST_${bundle}_SOURCES ${ARG_SOURCES})
  set_property(GLOBAL APPEND PROPERTY RLAB_TEST_${bundle}_DEPS ${ARG_DEPS})
  # A bundle's cases share one timeout: the longest any of its files asks for.
  get_property(timeout GLOBAL PROPERTY RLAB_TEST_${bundle}_TIMEOUT)
  if(ARG_TIMEOUT AND ARG_TIMEOUT GREATER timeout)
    set_property(GLOBAL PROPERTY RLAB_TEST_${bundle}_TIMEOUT ${ARG_TIMEOUT})
  endif()
endfunction()

# Makes one GoogleTest executable per bundle declared by rlab_add_test.
function(rlab_finish_tests)
  get_property(bundles GLOBAL PROPERTY RLAB_TEST_BUNDLES)
  foreach(bundle IN LISTS bundles)
    foreach(field AREA LABELS TIMEOUT SOURCES DEPS)
      get_property(${field} GLOBAL PROPERTY RLAB_TEST_${bundle}_${field})
    endforeach()
    list(REMOVE_DUPLICATES DEPS)
    add_executable(test_${bundle} ${SOURCES})
    target_link_libraries(test_${bundle} PRIVATE ${DEPS} rlab_test_support GTest::gtest GTest::gtest_main)
    target_compile_definitions(test_${bundle} PRIVATE
      RLAB_BINARY="$<TARGET_FILE:rlab>"
      RLAB_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
      RLAB_BINARY_DIR="${PROJECT_BINARY_DIR}")
    rlab_use_pch(test_${bundle})
    target_compile_options(test_${bundle} PRIVATE ${RLAB_TEST_OPTIMISATION})
    if(LABELS STREQUAL "unit")
      # A unit case takes milliseconds and starting its process about a second (libtorch, the
      # test data), so each unit executable runs all its cases in one process; --gtest_brief
      # prints only the failures. Slow cases stay one CTest test each, so they spread over the
      # cores.
      add_test(NAME ${AREA}.unit COMMAND test_${bundle} --gtest_brief=1)
      set_tests_properties(${AREA}.unit PROPERTIES LABELS unit TIMEOUT 1800
                           ENVIRONMENT "${RLAB_TEST_ENVIRONMENT}")
    else()
      gtest_discover_tests(test_${bundle}
        TEST_PREFIX "${AREA}."
        DISCOVERY_TIMEOUT 60
        PROPERTIES LABELS "${LABELS}" TIMEOUT ${TIMEOUT} ENVIRONMENT "${RLAB_TEST_ENVIRONMENT}")
    endif()
  endforeach()
  rlab_set_test_costs()
endfunction()

# Gives each test in RLAB_TEST_SECONDS (a list of name, seconds, name, seconds, ...) that
# COST: CTest starts tests in descending cost. Unit tests exist now; slow cases are registered
# by gtest_discover_tests only when ctest runs, so theirs go in a file that ctest includes
# after the discovered tests. Names that match no test are ignored there.
function(rlab_set_test_costs)
  set(pairs ${RLAB_TEST_SECONDS})
  set(later "")
  while(pairs)
    list(POP_FRONT pairs name seconds)
    if(TEST ${name})
      set_tests_properties(${name} PROPERTIES COST ${seconds})
    else()
      string(APPEND later "set_tests_properties([=[${name}]=] PROPERTIES COST ${seconds})\n")
    endif()
  endwhile()
  set(file "${CMAKE_CURRENT_BINARY_DIR}/test_costs.cmake")
  file(WRITE "${file}" "${later}")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${file}")
endfunction()

# Test helpers (scratch directories, running the rlab binary), linked into every test.
function(rlab_make_test_support)
  add_library(rlab_test_support STATIC "${PROJECT_SOURCE_DIR}/tests/test_support.cc")
  target_include_directories(rlab_test_support PUBLIC "${PROJECT_SOURCE_DIR}/tests" "${PROJECT_SOURCE_DIR}/src")
  target_compile_definitions(rlab_test_support PRIVATE
    RLAB_BINARY="$<TARGET_FILE:rlab>" RLAB_BINARY_DIR="${PROJECT_BINARY_DIR}"
    RLAB_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_compile_options(rlab_test_support PRIVATE ${RLAB_WARNINGS} ${RLAB_TEST_OPTIMISATION})
  add_dependencies(rlab_test_support rlab)
endfunction()
