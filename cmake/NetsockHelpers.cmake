# SPDX-License-Identifier: MIT
# Helpers shared by the library, its tests, examples and benchmarks.

# The project's warning set: clean under -Wall -Wextra -Wpedantic.
function(netsock_set_warnings target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(NETSOCK_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

# netsock_add_test(<concern> [LABELS ...] [TIMEOUT s] [SOURCES ...])
# builds tests/test_<concern>.c with the shared support code into one
# cmocka program and registers it as the CTest test netsock.<concern>.
function(netsock_add_test concern)
  cmake_parse_arguments(T "" "TIMEOUT" "LABELS;SOURCES;LIBRARIES" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set(target test_${concern})
  add_executable(${target} test_${concern}.c ${T_SOURCES})
  target_link_libraries(${target} PRIVATE netsock_test_support
                        ${T_LIBRARIES})
  set_target_properties(${target} PROPERTIES C_STANDARD 11)
  target_compile_definitions(${target} PRIVATE _GNU_SOURCE)
  # 64-bit file offsets on 32-bit systems, as the library has them.
  if(CMAKE_SIZEOF_VOID_P EQUAL 4)
    target_compile_definitions(${target} PRIVATE _FILE_OFFSET_BITS=64)
  endif()
  netsock_set_warnings(${target})
  add_test(NAME netsock.${concern} COMMAND ${target})
  set_tests_properties(netsock.${concern} PROPERTIES
    TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}")
endfunction()
