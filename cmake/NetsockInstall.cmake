# SPDX-License-Identifier: MIT
# How libnetsock is installed and found again: the library, the headers,
# the CMake package (installed and straight from the build tree) and the
# pkg-config file. Included by the top-level CMakeLists.txt once the
# netsock target exists.
#
# Components: "Runtime" is what a program needs to run (libnetsock.so.1);
# "Development" is what it needs to be built (headers, the libnetsock.so
# link, libnetsock.a, CMake and pkg-config files, man pages). The Debian
# packages follow the split (libnetsock1, libnetsock-dev).

include(CMakePackageConfigHelpers)

set(NETSOCK_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/netsock"
    CACHE STRING "Where netsockConfig.cmake goes, relative to the prefix")
mark_as_advanced(NETSOCK_INSTALL_CMAKEDIR)

install(TARGETS netsock EXPORT netsockTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Runtime
          NAMELINK_COMPONENT Development
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development)

# Every header in include/netsock/ is public, so new ones are picked up
# without touching this file; version.h is generated into the build tree.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/netsock/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/netsock
  COMPONENT Development
  FILES_MATCHING PATTERN "*.h"
  PATTERN "tls.h" EXCLUDE) # libnetsock-tls's, installed by tls/
install(FILES ${PROJECT_BINARY_DIR}/include/netsock/version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/netsock
  COMPONENT Development)

# ---- CMake package ---------------------------------------------------------

install(EXPORT netsockTargets
  NAMESPACE netsock::
  FILE netsockTargets.cmake
  DESTINATION ${NETSOCK_INSTALL_CMAKEDIR}
  COMPONENT Development)

write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/netsockConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)

# The packages behind the imported targets the netsock target links, for
# find_dependency() in netsockConfig.cmake. Only a static library passes
# them on ($<LINK_ONLY:...> in its link interface).
set(NETSOCK_CONFIG_DEPENDENCIES "")
get_target_property(_netsock_type netsock TYPE)
get_target_property(_netsock_links netsock LINK_LIBRARIES)
if(NOT _netsock_links)
  set(_netsock_links "")
endif()
if(_netsock_type STREQUAL "STATIC_LIBRARY")
  if("Threads::Threads" IN_LIST _netsock_links)
    string(APPEND NETSOCK_CONFIG_DEPENDENCIES "find_dependency(Threads)\n")
  endif()
  foreach(_lib IN LISTS _netsock_links)
    if(_lib MATCHES "::" AND NOT _lib STREQUAL "Threads::Threads")
      message(WARNING "netsock links ${_lib}: add its find_dependency() to "
                      "cmake/NetsockInstall.cmake")
    endif()
  endforeach()
endif()

# A static libnetsock-tls passes OpenSSL on to its users (found only when
# its targets are installed: see netsockConfig.cmake.in).
set(NETSOCK_TLS_CONFIG_DEPENDENCIES "")
if(NETSOCK_HAVE_TLS)
  get_target_property(_netsock_tls_type netsock_tls TYPE)
  if(_netsock_tls_type STREQUAL "STATIC_LIBRARY")
    set(NETSOCK_TLS_CONFIG_DEPENDENCIES
        "find_dependency(OpenSSL 3.0)\n  find_dependency(Threads)")
  endif()
  unset(_netsock_tls_type)
endif()

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/netsockConfig.cmake.in
  ${PROJECT_BINARY_DIR}/CMakeFiles/netsock-install/netsockConfig.cmake
  INSTALL_DESTINATION ${NETSOCK_INSTALL_CMAKEDIR})

install(FILES
  ${PROJECT_BINARY_DIR}/CMakeFiles/netsock-install/netsockConfig.cmake
  ${PROJECT_BINARY_DIR}/netsockConfigVersion.cmake
  DESTINATION ${NETSOCK_INSTALL_CMAKEDIR}
  COMPONENT Development)

# The build tree is a package too: find_package(netsock) with
# netsock_DIR=<build dir> uses the library where it was built.
export(EXPORT netsockTargets
  NAMESPACE netsock::
  FILE ${PROJECT_BINARY_DIR}/netsockTargets.cmake)

# libnetsock-tls's target, in a file of its own that goes with its package
# (netsockConfig.cmake includes it when it is there).
if(NETSOCK_HAVE_TLS)
  install(EXPORT netsockTlsTargets
    NAMESPACE netsock::
    FILE netsockTlsTargets.cmake
    DESTINATION ${NETSOCK_INSTALL_CMAKEDIR}
    COMPONENT TlsDevelopment)
  export(EXPORT netsockTlsTargets
    NAMESPACE netsock::
    FILE ${PROJECT_BINARY_DIR}/netsockTlsTargets.cmake)
endif()
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/netsockConfig.cmake.in
  ${PROJECT_BINARY_DIR}/netsockConfig.cmake
  INSTALL_DESTINATION ${PROJECT_BINARY_DIR}
  INSTALL_PREFIX ${PROJECT_BINARY_DIR})

# ---- pkg-config ------------------------------------------------------------

# The prefix is written when installing, not when configuring: it is the
# one `cmake --install --prefix` or CPack (/usr) installs to, so the
# flags are plain absolute paths (-I/usr/include) with no ${pcfiledir}/..
# in them. For a tree moved after installing, or unpacked elsewhere, set
# PKG_CONFIG_SYSROOT_DIR as for any other package.
set(NETSOCK_PC_PREFIX "@NETSOCK_PC_INSTALL_PREFIX@")
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(NETSOCK_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  set(NETSOCK_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(NETSOCK_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(NETSOCK_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()

# Libs.private: the system libraries the netsock target links privately,
# read from the target so the two cannot disagree.
set(NETSOCK_PC_LIBS_PRIVATE "")
foreach(_lib IN LISTS _netsock_links)
  if(_lib STREQUAL "Threads::Threads")
    string(APPEND NETSOCK_PC_LIBS_PRIVATE " -pthread")
  elseif(_lib MATCHES "^[A-Za-z0-9_.+-]+$" AND NOT TARGET ${_lib})
    string(APPEND NETSOCK_PC_LIBS_PRIVATE " -l${_lib}")
  elseif(_lib MATCHES "^-l")
    string(APPEND NETSOCK_PC_LIBS_PRIVATE " ${_lib}")
  endif()
endforeach()
string(STRIP "${NETSOCK_PC_LIBS_PRIVATE}" NETSOCK_PC_LIBS_PRIVATE)

# A static libnetsock is built with NS_STATIC public (see src/), and its
# pkg-config users get it the same way.
if(_netsock_type STREQUAL "STATIC_LIBRARY")
  set(NETSOCK_PC_CFLAGS " -DNS_STATIC")
else()
  set(NETSOCK_PC_CFLAGS "")
endif()

configure_file(${PROJECT_SOURCE_DIR}/cmake/netsock.pc.in
               ${PROJECT_BINARY_DIR}/CMakeFiles/netsock-install/netsock.pc.in
               @ONLY)
install(CODE "
  set(NETSOCK_PC_INSTALL_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file(
    \"${PROJECT_BINARY_DIR}/CMakeFiles/netsock-install/netsock.pc.in\"
    \"${PROJECT_BINARY_DIR}/CMakeFiles/netsock-install/netsock.pc\" @ONLY)"
  COMPONENT Development)
install(FILES ${PROJECT_BINARY_DIR}/CMakeFiles/netsock-install/netsock.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
  COMPONENT Development)

unset(_netsock_up)
unset(_netsock_links)
unset(_netsock_type)

# ---- pkg-config for libnetsock-tls -------------------------------------------
# Its prefix is written when installing, as netsock.pc's is.
if(NETSOCK_HAVE_TLS)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/netsock-tls.pc.in
                 ${PROJECT_BINARY_DIR}/CMakeFiles/netsock-install/netsock-tls.pc.in
                 @ONLY)
  install(CODE "
    set(NETSOCK_PC_INSTALL_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
    configure_file(
      \"${PROJECT_BINARY_DIR}/CMakeFiles/netsock-install/netsock-tls.pc.in\"
      \"${PROJECT_BINARY_DIR}/CMakeFiles/netsock-install/netsock-tls.pc\" @ONLY)"
    COMPONENT TlsDevelopment)
  install(FILES ${PROJECT_BINARY_DIR}/CMakeFiles/netsock-install/netsock-tls.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
    COMPONENT TlsDevelopment)
endif()
