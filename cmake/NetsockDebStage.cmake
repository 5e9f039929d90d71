# SPDX-License-Identifier: MIT
# Run by CPack (CPACK_PRE_BUILD_SCRIPTS) on the staged files of each
# package, before the .deb files are made: what Debian policy asks and
# CPack does not do.
#   - man pages gzipped with -9n (policy 12.1; -n keeps the output
#     reproducible);
#   - /usr/share/doc/<package>/copyright (policy 12.5), in the
#     machine-readable format, with the MIT license text;
#   - /usr/share/doc/<package>/changelog.Debian.gz (policy 12.7), and the
#     upstream CHANGELOG.md as changelog.gz.
# Only for the DEB generator; other generators get the files as installed.
if(NOT CPACK_GENERATOR STREQUAL "DEB")
  return()
endif()

find_program(NETSOCK_GZIP gzip REQUIRED)
set(src "${CPACK_NETSOCK_SOURCE_DIR}")

# gzip_9n <file> <output>: gzip -9n <file> into <output>.
function(gzip_9n file output)
  execute_process(COMMAND ${NETSOCK_GZIP} -9n -c "${file}"
    OUTPUT_FILE "${output}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip failed on ${file}")
  endif()
endfunction()

file(READ "${src}/LICENSE" license)
# The license text, indented as the copyright format wants it: each line
# one space in, an empty line as " .".
string(REGEX REPLACE "\n$" "" license "${license}")
string(REGEX REPLACE "^MIT License\n\n" "" license "${license}")
string(REGEX MATCH "Copyright \\(c\\) ([^\n]*)" _ "${license}")
set(holder "${CMAKE_MATCH_1}")
string(REGEX REPLACE "^Copyright \\(c\\) [^\n]*\n\n" "" license "${license}")
string(REPLACE "\n\n" "\n.\n" license "${license}")
string(REPLACE "\n" "\n " license "${license}")

foreach(pair IN LISTS CPACK_NETSOCK_DOC_PACKAGES)
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 component)
  list(GET pair 1 package)
  set(root "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/${component}")
  if(NOT IS_DIRECTORY "${root}")
    continue()
  endif()

  file(GLOB_RECURSE pages "${root}/usr/share/man/man*/*.[0-9]")
  foreach(page IN LISTS pages)
    gzip_9n("${page}" "${page}.gz")
    file(REMOVE "${page}")
  endforeach()

  set(doc "${root}/usr/share/doc/${package}")
  file(MAKE_DIRECTORY "${doc}")
  file(WRITE "${doc}/copyright"
"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: libnetsock

Files: *
Copyright: ${holder}
License: Expat
 ${license}
")

  file(WRITE "${doc}/changelog.Debian"
"${package} (${CPACK_PACKAGE_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}) unstable; urgency=medium

  * Binary package of libnetsock ${CPACK_PACKAGE_VERSION}, made by CPack.
    The upstream changes are in changelog.gz.

 -- ${CPACK_PACKAGE_CONTACT}  ${CPACK_NETSOCK_DEB_DATE}
")
  gzip_9n("${doc}/changelog.Debian" "${doc}/changelog.Debian.gz")
  file(REMOVE "${doc}/changelog.Debian")
  if(EXISTS "${src}/CHANGELOG.md")
    gzip_9n("${src}/CHANGELOG.md" "${doc}/changelog.gz")
  endif()
endforeach()
