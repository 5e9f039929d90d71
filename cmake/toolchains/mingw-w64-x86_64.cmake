# SPDX-License-Identifier: MIT
# Cross-compile for 64-bit Windows with mingw-w64 (Debian: apt-get install
# mingw-w64):
#
#   cmake -B build-win -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake
#
# Programs built this way run under wine (CMAKE_CROSSCOMPILING_EMULATOR,
# when wine is installed), so ctest can run them on Linux.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(NETSOCK_MINGW_PREFIX x86_64-w64-mingw32 CACHE STRING
    "Target triplet of the mingw-w64 tools")
set(CMAKE_C_COMPILER ${NETSOCK_MINGW_PREFIX}-gcc)
set(CMAKE_CXX_COMPILER ${NETSOCK_MINGW_PREFIX}-g++)
set(CMAKE_RC_COMPILER ${NETSOCK_MINGW_PREFIX}-windres)
set(CMAKE_AR ${NETSOCK_MINGW_PREFIX}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${NETSOCK_MINGW_PREFIX}-ranlib CACHE FILEPATH "")

# Libraries and headers come from the target's sysroot only; programs
# (python3, the code generators) from the build machine.
# A consumer adds its own prefixes with -DCMAKE_FIND_ROOT_PATH=<prefix>.
list(APPEND CMAKE_FIND_ROOT_PATH /usr/${NETSOCK_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Windows has no rpath: tests find the library's DLL beside them.
find_program(NETSOCK_WINE NAMES wine64 wine)
if(NETSOCK_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${NETSOCK_WINE})
endif()
