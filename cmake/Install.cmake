# What `cmake --install BUILD --prefix P` and `cpack -G DEB` ship:
#   P/bin/mockhub, P/bin/hubget
#   P/share/mockhub/scenarios/         the scenario library, schema.json beside it (the files
#                                      name it as "$schema": "schema.json")
#   P/share/mockhub/scenarios/adapters the curl and @huggingface/hub adapters
#   P/share/mockhub/worlds/demo.json   the world `mockhub serve` embeds, as a file to copy
#   P/share/doc/mockhub/               LICENSE, README.md
# The layout under share/ mirrors the repository, so a path that works in a
# checkout works in an installation. An installed mockhub finds the hubget
# installed beside it (mockhub/cli/default_client.h).
include(GNUInstallDirs)

install(TARGETS mockhub hubget_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(MOCKHUB_SHARE ${CMAKE_INSTALL_DATADIR}/mockhub)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${MOCKHUB_SHARE}/scenarios
        FILES_MATCHING PATTERN "*.json" PATTERN "README.md" PATTERN "adapters" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/scenarios/adapters/curl.adapter.json
              ${PROJECT_SOURCE_DIR}/scenarios/adapters/hfjs.adapter.json
              ${PROJECT_SOURCE_DIR}/scenarios/adapters/hfjs-adapter.mjs
        DESTINATION ${MOCKHUB_SHARE}/scenarios/adapters)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scenarios/adapters/curl-adapter.sh
        DESTINATION ${MOCKHUB_SHARE}/scenarios/adapters)
install(FILES ${PROJECT_SOURCE_DIR}/mockhub/worlds/demo.json DESTINATION ${MOCKHUB_SHARE}/worlds)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package. Its runtime Depends come from dpkg-shlibdeps (dpkg-dev)
# when it is there; otherwise from the list below, which is what
# dpkg-shlibdeps gives on Debian 12 for the libraries the two binaries link
# (cpp-httplib and lz4 for mockhub; libcurl for hubget; OpenSSL, libstdc++).
# The portable build's binaries (cmake/Portable.cmake, the release's .deb) are
# static: they need no library, so the package depends on nothing.
set(CPACK_PACKAGE_NAME mockhub)
set(CPACK_PACKAGE_VENDOR "mockhub")
set(CPACK_PACKAGE_CONTACT "mockhub maintainers <maintainers@mockhub.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "mock Hugging Face Hub, reference downloader and scenario runner")
# One string: set() with several arguments makes a CMake list, whose `;`
# separators CPackDeb wrote at the start of the Description's lines. CPackDeb
# indents each line after the first (Debian's continuation lines).
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "mockhub serves the Hugging Face Hub's download path (hub, CDN, Xet CAS) offline with\n"
    "fault injection and a request journal; hubget is a reference downloader; `mockhub run`\n"
    "runs JSON scenarios against any downloader through an adapter.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# curl runs the curl adapter; Node.js and @huggingface/hub the JavaScript one.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "curl")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nodejs")
find_program(MOCKHUB_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(MOCKHUB_PORTABLE)
  # No Depends.
elseif(MOCKHUB_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "libc6 (>= 2.34), libcpp-httplib0.11 (>= 0.11.4+ds), libcurl4 (>= 7.16.2), libgcc-s1 (>= 3.0), liblz4-1 (>= 1.8.0), libssl3 (>= 3.0.0), libstdc++6 (>= 12)")
endif()
set(CPACK_GENERATOR DEB)
include(CPack)
