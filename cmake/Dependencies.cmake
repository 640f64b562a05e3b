# All third-party code comes from Debian packages, found the CMake way.
# The portable build (static binaries for any Linux) finds the same targets elsewhere.
option(MOCKHUB_PORTABLE "Link mockhub and hubget -static-pie (cmake/Portable.cmake)" OFF)
if(MOCKHUB_PORTABLE)
  include(${CMAKE_CURRENT_LIST_DIR}/Portable.cmake)
  return()
endif()
find_package(PkgConfig REQUIRED)
# Debian's cpp-httplib 0.11.4 ships a shared library and no CMake config: the
# pkg-config IMPORTED_TARGET carries the CPPHTTPLIB_* defines that the shared
# library was built with, which must match or the ABI differs.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# LZ4 frames for Xet chunks (liblz4-dev): the mock encodes, hubget decodes.
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
find_package(OpenSSL 3 REQUIRED)
find_package(CURL REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(Threads REQUIRED)
if(MOCKHUB_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()
