# SPDX-License-Identifier: MIT
# The unit tests need cmocka (its CMake package, or pkg-config). When the
# tests are on only by default and cmocka is missing, they are skipped
# with one status line, so that a machine set up for the library alone can
# configure, build and install it; when they were asked for
# (-DNETSOCK_BUILD_TESTS=ON, the default preset), tests/ fails as before
# and says what is missing.
if(NOT NETSOCK_TESTS_BY_DEFAULT)
  return()
endif()
find_package(cmocka CONFIG QUIET)
if(NOT TARGET cmocka::cmocka)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(CMOCKA QUIET cmocka)
  endif()
  if(NOT CMOCKA_FOUND)
    message(STATUS "Tests: skipped, cmocka not found (Debian: apt-get "
                   "install libcmocka-dev pkg-config)")
    set(NETSOCK_BUILD_TESTS OFF)
  endif()
endif()
