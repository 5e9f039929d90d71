# SPDX-License-Identifier: MIT
# Debian packages: `cpack -G DEB` in the build directory makes
#   libnetsock1_<version>_<arch>.deb     the shared library (Runtime)
#   libnetsock-dev_<version>_<arch>.deb  headers, libnetsock.so link or
#                                        libnetsock.a, CMake and pkg-config
#                                        files, man pages (Development)
# installed under /usr, the library in the multiarch directory
# (lib/<triplet>, see CMakeLists.txt). Only for libnetsock's own build.
#
# What Debian policy asks of a binary package and CPack does not do is
# done by cmake/NetsockDebStage.cmake on the staged files: gzipped man
# pages, a copyright file and changelogs in /usr/share/doc/<package>. The
# netsock.consumer.lintian test holds both packages to 0 lintian errors.

set(CPACK_PACKAGE_NAME libnetsock)
set(CPACK_PACKAGE_VENDOR "libnetsock")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Python's socket API for C")
set(CPACK_PACKAGE_DESCRIPTION
  "libnetsock gives C programs the API of Python's socket module: the same\n"
  "calls and defaults, and one error code per Python exception class.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION
       "${CPACK_PACKAGE_DESCRIPTION}")
# Debian wants a name and an e-mail address ("Name <address>").
set(NETSOCK_PACKAGE_CONTACT
    "libnetsock maintainers <maintainers@libnetsock.example.org>"
    CACHE STRING "Maintainer field of the Debian packages: Name <e-mail>")
if(NOT NETSOCK_PACKAGE_CONTACT MATCHES "^[^<>]+ <[^<>@ ]+@[^<> ]+>$")
  message(WARNING "NETSOCK_PACKAGE_CONTACT is not 'Name <e-mail>': "
                  "'${NETSOCK_PACKAGE_CONTACT}'")
endif()
set(CPACK_PACKAGE_CONTACT "${NETSOCK_PACKAGE_CONTACT}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_FILE_NAME
    "${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}")

set(CPACK_STRIP_FILES ON)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

set(CPACK_COMPONENT_RUNTIME_DISPLAY_NAME "libnetsock shared library")
# The extended descriptions, lines of at most 80 columns; the synopsis is
# CPACK_PACKAGE_DESCRIPTION_SUMMARY.
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
  "libnetsock gives C programs the API of Python's socket module: the same\n"
  "calls and defaults, and one error code per Python exception class.\n"
  "This package holds the shared library.")
set(CPACK_COMPONENT_DEVELOPMENT_DISPLAY_NAME "libnetsock development files")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION
  "libnetsock gives C programs the API of Python's socket module: the same\n"
  "calls and defaults, and one error code per Python exception class.\n"
  "This package holds the headers, the CMake package (find_package(netsock)),\n"
  "the pkg-config file and the man pages: what building a program needs.")
string(REPLACE ";" "" CPACK_DEBIAN_RUNTIME_DESCRIPTION
       "${CPACK_DEBIAN_RUNTIME_DESCRIPTION}")
string(REPLACE ";" "" CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION
       "${CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION}")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "libnetsock${PROJECT_VERSION_MAJOR}")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libnetsock-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)

get_target_property(_netsock_type netsock TYPE)
if(_netsock_type STREQUAL "SHARED_LIBRARY")
  set(CPACK_COMPONENTS_ALL Runtime Development)
  # libnetsock-dev needs the very same libnetsock1.
  set(CPACK_COMPONENT_DEVELOPMENT_DEPENDS Runtime)
  set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
  # The runtime package's dependencies (libc6) come from dpkg-shlibdeps
  # when it is installed (Debian's dpkg-dev), and it ships a shlibs file
  # so that packages built against it depend on a new enough version.
  find_program(NETSOCK_DPKG_SHLIBDEPS dpkg-shlibdeps)
  mark_as_advanced(NETSOCK_DPKG_SHLIBDEPS)
  if(NETSOCK_DPKG_SHLIBDEPS)
    set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
  else()
    set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "libc6")
  endif()
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
  # dpkg runs ldconfig through a trigger (Debian policy 8.1.1). CPack
  # also writes a postinst and postrm that call ldconfig and offers no way
  # to leave them out; the extra call is harmless, and lintian's
  # maintscript-calls-ldconfig warning about it is the one the lintian
  # test accepts (tests/consumer/run.sh, case_lintian).
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
      ${PROJECT_SOURCE_DIR}/cmake/deb/triggers)
else()
  # A static build has nothing to run: only the -dev package.
  set(CPACK_COMPONENTS_ALL Development)
endif()
unset(_netsock_type)

# Policy work on the staged files (cmake/NetsockDebStage.cmake); CPack
# passes on only variables named CPACK_*.
set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/cmake/NetsockDebStage.cmake)
set(CPACK_NETSOCK_SOURCE_DIR ${PROJECT_SOURCE_DIR})
set(CPACK_NETSOCK_DOC_PACKAGES
    "Runtime=${CPACK_DEBIAN_RUNTIME_PACKAGE_NAME}"
    "Development=${CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME}")
# The changelog entry's date: SOURCE_DATE_EPOCH when set (reproducible
# builds), otherwise now, in RFC 2822 form as dpkg wants it.
string(TIMESTAMP CPACK_NETSOCK_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)

# libnetsock-tls, when built: libnetsock-tls1 (TlsRuntime) and
# libnetsock-tls-dev (TlsDevelopment: tls.h, the link, netsock-tls.pc, its
# man pages; its CMake target is in libnetsock-dev's package files).
if(NETSOCK_HAVE_TLS)
  set(CPACK_COMPONENT_TLSRUNTIME_DISPLAY_NAME "libnetsock-tls shared library")
  set(CPACK_DEBIAN_TLSRUNTIME_DESCRIPTION
    "libnetsock-tls gives C programs the API of Python's ssl module over\n"
    "libnetsock sockets, on OpenSSL 3. This package holds the shared library.")
  set(CPACK_COMPONENT_TLSDEVELOPMENT_DISPLAY_NAME
      "libnetsock-tls development files")
  set(CPACK_DEBIAN_TLSDEVELOPMENT_DESCRIPTION
    "The header, the pkg-config file and the man pages of libnetsock-tls.")
  string(REPLACE ";" "" CPACK_DEBIAN_TLSRUNTIME_DESCRIPTION
         "${CPACK_DEBIAN_TLSRUNTIME_DESCRIPTION}")
  set(CPACK_DEBIAN_TLSRUNTIME_PACKAGE_NAME
      "libnetsock-tls${PROJECT_VERSION_MAJOR}")
  set(CPACK_DEBIAN_TLSRUNTIME_PACKAGE_SECTION libs)
  set(CPACK_DEBIAN_TLSDEVELOPMENT_PACKAGE_NAME libnetsock-tls-dev)
  set(CPACK_DEBIAN_TLSDEVELOPMENT_PACKAGE_SECTION libdevel)
  get_target_property(_netsock_tls_type netsock_tls TYPE)
  if(_netsock_tls_type STREQUAL "SHARED_LIBRARY")
    list(APPEND CPACK_COMPONENTS_ALL TlsRuntime TlsDevelopment)
    set(CPACK_COMPONENT_TLSRUNTIME_DEPENDS Runtime)
    set(CPACK_COMPONENT_TLSDEVELOPMENT_DEPENDS TlsRuntime Development)
    # Named here rather than by dpkg-shlibdeps, which cannot resolve
    # libnetsock.so.1 while both packages are being made; the component
    # dependency adds libnetsock1 itself.
    set(CPACK_DEBIAN_TLSRUNTIME_PACKAGE_DEPENDS "libc6, libssl3 (>= 3.0.0)")
    set(CPACK_DEBIAN_TLSRUNTIME_PACKAGE_CONTROL_EXTRA
        ${PROJECT_SOURCE_DIR}/cmake/deb/triggers)
  else()
    list(APPEND CPACK_COMPONENTS_ALL TlsDevelopment)
    set(CPACK_COMPONENT_TLSDEVELOPMENT_DEPENDS Development)
    set(CPACK_DEBIAN_TLSDEVELOPMENT_PACKAGE_DEPENDS "libssl-dev")
  endif()
  unset(_netsock_tls_type)
  # The same policy work on the TLS packages' staged files.
  list(APPEND CPACK_NETSOCK_DOC_PACKAGES
       "TlsRuntime=${CPACK_DEBIAN_TLSRUNTIME_PACKAGE_NAME}"
       "TlsDevelopment=${CPACK_DEBIAN_TLSDEVELOPMENT_PACKAGE_NAME}")
endif()

include(CPack)
