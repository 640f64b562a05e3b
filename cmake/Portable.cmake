# The portable build (MOCKHUB_PORTABLE, preset "portable", tools/release.sh): mockhub and
# hubget linked -static-pie, so they need nothing from the machine but a Linux kernel
# (>= 3.2, glibc's static floor): no glibc version, no libstdc++, no OpenSSL, no libcurl.
# Why fully static is sound here (docs/portable.md): hubget resolves names through c-ares,
# never glibc's NSS; mockhub resolves only numeric addresses and "localhost" (listener.cc);
# neither loads a plug-in, a locale or iconv module at run time.
# The imported targets carry the names Dependencies.cmake gives the Debian build's, so no
# target below cmake/ knows which build it is in. Static libraries come from Debian's -dev
# packages; libcurl and cpp-httplib's whole header from tools/portable-deps.sh.
set(MOCKHUB_PORTABLE_DEPS "${PROJECT_SOURCE_DIR}/build/portable-deps/prefix" CACHE PATH
    "tools/portable-deps.sh's prefix: lib/libcurl.a, include/curl, include/httplib.h")
foreach(_mockhub_need lib/libcurl.a include/curl/curl.h include/httplib.h)
  if(NOT EXISTS "${MOCKHUB_PORTABLE_DEPS}/${_mockhub_need}")
    message(FATAL_ERROR "MOCKHUB_PORTABLE: ${MOCKHUB_PORTABLE_DEPS}/${_mockhub_need} is missing; "
                        "run tools/portable-deps.sh (tools/release.sh does)")
  endif()
endforeach()

# A static library from Debian's multiarch folder, as an imported target.
function(mockhub_static_library target file)
  find_library(_mockhub_lib_${target} NAMES ${file} REQUIRED NO_CACHE)
  add_library(${target} STATIC IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES IMPORTED_LOCATION "${_mockhub_lib_${target}}")
endfunction()

set(OPENSSL_USE_STATIC_LIBS TRUE)
find_package(OpenSSL 3 REQUIRED)
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)

mockhub_static_library(mockhub_zlib libz.a)
mockhub_static_library(mockhub_cares libcares.a)
mockhub_static_library(PkgConfig::LZ4 liblz4.a)

# The whole header: its implementation compiles into server.cc. The defines are the
# features the portable mockhub serves (TLS, gzip); -isystem keeps its warnings out.
add_library(PkgConfig::HTTPLIB INTERFACE IMPORTED GLOBAL)
set_target_properties(PkgConfig::HTTPLIB PROPERTIES
  INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${MOCKHUB_PORTABLE_DEPS}/include"
  INTERFACE_INCLUDE_DIRECTORIES "${MOCKHUB_PORTABLE_DEPS}/include"
  INTERFACE_COMPILE_DEFINITIONS "CPPHTTPLIB_OPENSSL_SUPPORT;CPPHTTPLIB_ZLIB_SUPPORT;CPPHTTPLIB_USE_POLL"
  INTERFACE_LINK_LIBRARIES "OpenSSL::SSL;OpenSSL::Crypto;mockhub_zlib;Threads::Threads")

add_library(CURL::libcurl STATIC IMPORTED GLOBAL)
set_target_properties(CURL::libcurl PROPERTIES
  IMPORTED_LOCATION "${MOCKHUB_PORTABLE_DEPS}/lib/libcurl.a"
  INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${MOCKHUB_PORTABLE_DEPS}/include"
  INTERFACE_INCLUDE_DIRECTORIES "${MOCKHUB_PORTABLE_DEPS}/include"
  INTERFACE_COMPILE_DEFINITIONS "CURL_STATICLIB"
  INTERFACE_LINK_LIBRARIES "mockhub_cares;OpenSSL::SSL;OpenSSL::Crypto;mockhub_zlib;Threads::Threads")

# Every executable of this build: position-independent and static (-static-pie keeps
# address-space randomisation; plain -static start-up was also 5x slower, 8 ms vs 1.5 ms).
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
add_link_options(-static-pie)

if(MOCKHUB_BUILD_TESTS)
  message(FATAL_ERROR "MOCKHUB_PORTABLE builds the shipped binaries only: set MOCKHUB_BUILD_TESTS=OFF "
                      "(the portable tests run the release from the ci build, tests/portable)")
endif()
