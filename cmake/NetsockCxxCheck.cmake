# SPDX-License-Identifier: MIT
# netsock_check_cxx_uses_c_runtime(<var>): can a C++ program built with
# this CMAKE_CXX_COMPILER load and call a shared library built with this
# CMAKE_C_COMPILER? Not when the two use different C libraries (musl-gcc
# beside a C++ compiler for the system's C library: Debian has no C++
# toolchain for musl), and then the C++ tests cannot run at all. Found by
# building and running such a pair, cached in <var>.
function(netsock_check_cxx_uses_c_runtime var)
  if(DEFINED ${var})
    return()
  endif()
  set(dir ${CMAKE_BINARY_DIR}/CMakeFiles/netsock_cxx_check)
  file(REMOVE_RECURSE ${dir})
  try_compile(built ${dir} ${PROJECT_SOURCE_DIR}/cmake/cxx_check
    netsock_cxx_check
    CMAKE_FLAGS -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
                -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
                "-DCMAKE_C_FLAGS=${CMAKE_C_FLAGS}"
                "-DCMAKE_CXX_FLAGS=${CMAKE_CXX_FLAGS}"
    OUTPUT_VARIABLE log)
  set(ok FALSE)
  if(built)
    execute_process(COMMAND ${dir}/cxx_side RESULT_VARIABLE rc
                    OUTPUT_QUIET ERROR_VARIABLE err)
    if(rc EQUAL 0)
      set(ok TRUE)
    else()
      string(STRIP "${err}" err)
      set(log "cxx_side: ${rc} ${err}")
    endif()
  endif()
  if(ok)
    message(STATUS "C++ programs can use this C compiler's libraries: yes")
  else()
    message(STATUS "C++ programs can use this C compiler's libraries: no "
                   "(${CMAKE_CXX_COMPILER} with ${CMAKE_C_COMPILER}); the C++ "
                   "tests (headertest_cpp, consumer.cxx) are skipped")
    file(WRITE ${dir}.log "${log}\n")
  endif()
  set(${var} ${ok} CACHE INTERNAL
      "A C++ program can load a shared library of the C compiler")
endfunction()

# netsock_skipped_test(<name> <reason> LABELS <labels>): a test that says
# why it cannot run here and is reported as skipped.
function(netsock_skipped_test name reason)
  cmake_parse_arguments(S "" "" "LABELS" ${ARGN})
  add_test(NAME ${name}
           COMMAND sh -c "echo \"skipped: $1\"; exit 77" sh "${reason}")
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77
                       LABELS "${S_LABELS}")
endfunction()
