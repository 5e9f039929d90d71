# SPDX-License-Identifier: MIT
# The HTML reference (Doxygen) and the man(3) pages, both made from the
# Doxygen comments of the public headers.

# ---- HTML reference --------------------------------------------------------

option(NETSOCK_BUILD_DOCS "Build the HTML reference with Doxygen" OFF)

# The Doxyfile is written even when the docs are off: the netsock.docs
# test runs it into its own directory whenever doxygen is installed.
set(NETSOCK_DOXYGEN_OUTPUT ${PROJECT_BINARY_DIR}/docs)
configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in
               ${PROJECT_BINARY_DIR}/docs/Doxyfile @ONLY)
set(NETSOCK_DOXYGEN_OUTPUT ${PROJECT_BINARY_DIR}/docs-check)
configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in
               ${PROJECT_BINARY_DIR}/docs/Doxyfile.check @ONLY)
unset(NETSOCK_DOXYGEN_OUTPUT)

if(NETSOCK_BUILD_DOCS)
  find_package(Doxygen REQUIRED)
  file(GLOB _netsock_doc_inputs CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/include/netsock/*.h
       ${PROJECT_SOURCE_DIR}/docs/*.md)
  add_custom_command(
    OUTPUT ${PROJECT_BINARY_DIR}/docs/html/index.html
    COMMAND Doxygen::doxygen ${PROJECT_BINARY_DIR}/docs/Doxyfile
    DEPENDS ${_netsock_doc_inputs}
            ${PROJECT_BINARY_DIR}/include/netsock/version.h
            ${PROJECT_BINARY_DIR}/docs/Doxyfile
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR}/docs
    COMMENT "Building the HTML reference with Doxygen"
    VERBATIM)
  add_custom_target(docs ALL
    DEPENDS ${PROJECT_BINARY_DIR}/docs/html/index.html)
  if(NETSOCK_INSTALL)
    install(DIRECTORY ${PROJECT_BINARY_DIR}/docs/html/
      DESTINATION ${CMAKE_INSTALL_DOCDIR}/html
      COMPONENT Development)
  endif()
  unset(_netsock_doc_inputs)
endif()

# ---- man pages -------------------------------------------------------------

# On by default for libnetsock's own build; a project that adds libnetsock
# with add_subdirectory() or FetchContent does not build them unless asked.
option(NETSOCK_BUILD_MAN
  "Generate and install the man(3) pages (needs python3)" ${NETSOCK_TOP_LEVEL})

if(NETSOCK_BUILD_MAN)
  find_package(Python3 COMPONENTS Interpreter)
  if(NOT Python3_Interpreter_FOUND)
    message(WARNING "python3 not found: the man pages are not built "
                    "(-DNETSOCK_BUILD_MAN=OFF silences this)")
  else()
    file(GLOB _netsock_man_headers CONFIGURE_DEPENDS
         ${PROJECT_SOURCE_DIR}/include/netsock/*.h)
    set(_netsock_man_dir ${PROJECT_BINARY_DIR}/man/man3)
    add_custom_command(
      OUTPUT ${PROJECT_BINARY_DIR}/man/man3.stamp
      COMMAND ${Python3_EXECUTABLE}
              ${PROJECT_SOURCE_DIR}/tools/gen_man.py
              --version ${PROJECT_VERSION} --out ${_netsock_man_dir}
              ${_netsock_man_headers}
              ${PROJECT_BINARY_DIR}/include/netsock/version.h
      COMMAND ${CMAKE_COMMAND} -E touch ${PROJECT_BINARY_DIR}/man/man3.stamp
      DEPENDS ${_netsock_man_headers}
              ${PROJECT_BINARY_DIR}/include/netsock/version.h
              ${PROJECT_SOURCE_DIR}/tools/gen_man.py
      COMMENT "Generating the man pages from the header comments"
      VERBATIM)
    add_custom_target(netsock_man ALL
      DEPENDS ${PROJECT_BINARY_DIR}/man/man3.stamp)
    if(NETSOCK_INSTALL)
      install(DIRECTORY ${_netsock_man_dir}/
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man3
        COMPONENT Development
        FILES_MATCHING PATTERN "*.3"
        PATTERN "ns_tls_*" EXCLUDE)
      # libnetsock-tls's pages go with its headers.
      if(NETSOCK_HAVE_TLS)
        install(DIRECTORY ${_netsock_man_dir}/
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man3
          COMPONENT TlsDevelopment
          FILES_MATCHING PATTERN "ns_tls_*.3")
      endif()
    endif()
    unset(_netsock_man_headers)
    unset(_netsock_man_dir)
  endif()
endif()

# ---- tests -----------------------------------------------------------------

if(NETSOCK_BUILD_TESTS)
  # Every public function documented: summary, @param, @return, @since.
  find_package(Python3 COMPONENTS Interpreter)
  if(Python3_Interpreter_FOUND)
    add_test(NAME netsock.doc_comments
      COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/gen_man.py
              --check ${PROJECT_SOURCE_DIR}/include/netsock
              ${PROJECT_BINARY_DIR}/include/netsock/version.h)
    set_tests_properties(netsock.doc_comments PROPERTIES LABELS packaging)
  endif()

  # The HTML reference builds without one warning (WARN_AS_ERROR).
  find_program(NETSOCK_DOXYGEN NAMES doxygen DOC "doxygen, for netsock.docs")
  if(NOT NETSOCK_DOXYGEN)
    set(NETSOCK_DOXYGEN doxygen)
  endif()
  add_test(NAME netsock.docs
    COMMAND sh -c [[
if ! command -v "$1" >/dev/null 2>&1; then
  echo "SKIPPED: doxygen not found (Debian: apt-get install doxygen)"
  exit 77
fi
rm -rf "$2/docs-check"
cd "$2/docs" && exec "$1" Doxyfile.check
]] sh ${NETSOCK_DOXYGEN} ${PROJECT_BINARY_DIR})
  set_tests_properties(netsock.docs PROPERTIES
    LABELS packaging SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()
