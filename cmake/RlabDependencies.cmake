# Every dependency comes from Debian's packages (scripts/install-deps.sh installs them).
find_package(Torch REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 QUIET CONFIG)
if(NOT CLI11_FOUND)
  # Debian's libcli11-dev is header-only and may ship without a CMake package.
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 INTERFACE "${CLI11_INCLUDE_DIR}")
endif()
find_package(Threads REQUIRED)
# SHA-256 of data files (rlab/core/file_digest.h): libcrypto from libssl-dev.
find_package(OpenSSL REQUIRED COMPONENTS Crypto)

# libtorch as one imported target, so that its flags reach every target the same way
# (the precompiled header is only reusable between targets with identical flags).
add_library(rlab_torch INTERFACE)
target_link_libraries(rlab_torch INTERFACE ${TORCH_LIBRARIES})
target_include_directories(rlab_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
target_compile_options(rlab_torch INTERFACE ${TORCH_CXX_FLAGS})

# CBLAS for the fused small-network path (rlab/models/fast_mlp.h), resolved through the same
# libblas alternative as libtorch, so both run on OpenBLAS.
find_library(RLAB_BLAS_LIBRARY NAMES blas openblas REQUIRED)
find_path(RLAB_CBLAS_INCLUDE_DIR cblas.h PATH_SUFFIXES x86_64-linux-gnu aarch64-linux-gnu REQUIRED)
add_library(rlab_blas INTERFACE)
target_link_libraries(rlab_blas INTERFACE ${RLAB_BLAS_LIBRARY})
target_include_directories(rlab_blas SYSTEM INTERFACE ${RLAB_CBLAS_INCLUDE_DIR})

# The Python package: Debian's interpreter, whose python3-torch is built from the same PyTorch
# as libtorch-dev, so tensors cross without copies. A python3 found earlier on PATH (a pyenv
# shim, a virtual environment without --system-site-packages) may have no torch: the
# interpreter is Debian's unless RLAB_PYTHON names another.
if(RLAB_BUILD_PYTHON)
  set(RLAB_PYTHON "/usr/bin/python3" CACHE FILEPATH "Python interpreter with torch for the package")
  set(Python3_EXECUTABLE "${RLAB_PYTHON}")
  find_package(Python3 REQUIRED COMPONENTS Interpreter Development.Module)
  find_package(pybind11 CONFIG REQUIRED)
  # torch's own pybind11 type casters (torch/csrc/utils/pybind.h) live in libtorch_python.
  find_library(RLAB_TORCH_PYTHON_LIBRARY torch_python PATHS "${TORCH_INSTALL_PREFIX}/lib" REQUIRED)
endif()

# HTTP (the reward server, the labelling page, remote reward sources): Debian's cpp-httplib,
# a compiled library whose pkg-config file carries the feature macros its header needs. Link it
# PRIVATE: the macros stay in the files that include httplib.h.
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# The queue of comparisons people judge (feedback/label_queue.h).
find_package(SQLite3 REQUIRED)
