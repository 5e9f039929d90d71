# SPDX-License-Identifier: MIT
# Debian packages: `cpack -G DEB` in the build directory makes
#   libnetsock1_<version>_<arch>.deb     the shared library (Runtime)
#   libnetsock-dev_<version>_<arch>.deb  headers, libnetsock.so link or
#                                        libnetsock.a, CMake and pkg-config
#                                        files, man pages (Development)
# installed under /usr. Only for libnetsock's own build.

set(CPACK_PACKAGE_NAME libnetsock)
set(CPACK_PACKAGE_VENDOR "libnetsock")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Python's socket API for C")
set(CPACK_PACKAGE_DESCRIPTION
  "libnetsock gives C programs the API of Python's socket module: the same\n"
  "calls and defaults, and one error code per Python exception class.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION
       "${CPACK_PACKAGE_DESCRIPTION}")
set(NETSOCK_PACKAGE_CONTACT "libnetsock maintainers"
    CACHE STRING "Maintainer field of the Debian packages")
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
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
  "libnetsock gives C programs the API of Python's socket module: the same "
  "calls and defaults, and one error code per Python exception class. "
  "This package holds the shared library.")
set(CPACK_COMPONENT_DEVELOPMENT_DISPLAY_NAME "libnetsock development files")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION
  "The headers, the CMake package (find_package(netsock)), the pkg-config file "
  "and the man pages of libnetsock: what building a program needs.")
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
  # The shlibs file also brings the postinst/postrm that run ldconfig.
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
else()
  # A static build has nothing to run: only the -dev package.
  set(CPACK_COMPONENTS_ALL Development)
endif()
unset(_netsock_type)

# libnetsock-tls, when built: libnetsock-tls1 (TlsRuntime) and
# libnetsock-tls-dev (TlsDevelopment: tls.h, the link, netsock-tls.pc, its
# man pages; its CMake target is in libnetsock-dev's package files).
if(NETSOCK_HAVE_TLS)
  set(CPACK_COMPONENT_TLSRUNTIME_DISPLAY_NAME "libnetsock-tls shared library")
  set(CPACK_DEBIAN_TLSRUNTIME_DESCRIPTION
    "libnetsock-tls gives C programs the API of Python's ssl module over "
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
  else()
    list(APPEND CPACK_COMPONENTS_ALL TlsDevelopment)
    set(CPACK_COMPONENT_TLSDEVELOPMENT_DEPENDS Development)
    set(CPACK_DEBIAN_TLSDEVELOPMENT_PACKAGE_DEPENDS "libssl-dev")
  endif()
  unset(_netsock_tls_type)
endif()

include(CPack)
