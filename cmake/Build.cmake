# Warnings and sanitizers as INTERFACE targets, linked where needed rather
# than set as global flags. (-Wnull-dereference is left out: with GCC 12 at
# -O2 it fires inside libstdc++'s streambuf through inlining.)
add_library(mockhub_warnings INTERFACE)
target_compile_options(mockhub_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wconversion -Wsign-conversion
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  $<$<BOOL:${MOCKHUB_WERROR}>:-Werror>)

add_library(mockhub_sanitizers INTERFACE)
if(MOCKHUB_SANITIZE)
  string(REPLACE ";" "," _mockhub_san "${MOCKHUB_SANITIZE}")
  target_compile_options(mockhub_sanitizers INTERFACE
    -fsanitize=${_mockhub_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(mockhub_sanitizers INTERFACE -fsanitize=${_mockhub_san})
endif()

# The fuzz preset (clang, MOCKHUB_FUZZ): every first-party target carries
# libFuzzer's coverage instrumentation; only the fuzz targets link its main.
if(MOCKHUB_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MOCKHUB_FUZZ needs clang (libFuzzer); CMAKE_CXX_COMPILER is ${CMAKE_CXX_COMPILER}")
  endif()
  target_compile_options(mockhub_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()

# Every first-party target links this pair.
add_library(mockhub_build INTERFACE)
target_link_libraries(mockhub_build INTERFACE mockhub_warnings mockhub_sanitizers)
