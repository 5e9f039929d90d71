# SPDX-License-Identifier: MIT
# `cmake --build build --target uninstall` removes what the last
# `cmake --install build` installed, as listed in install_manifest.txt.
# Only for libnetsock's own build: a parent project has its own.
add_custom_target(uninstall
  COMMAND ${CMAKE_COMMAND}
          -DMANIFEST=${PROJECT_BINARY_DIR}/install_manifest.txt
          -P ${PROJECT_SOURCE_DIR}/cmake/uninstall.cmake
  COMMENT "Removing the files listed in install_manifest.txt"
  VERBATIM)
