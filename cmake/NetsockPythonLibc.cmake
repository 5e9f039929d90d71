# SPDX-License-Identifier: MIT
# netsock_check_messages_as_python(<var>): does this build's C library give
# the error messages python3's does? Python's message for an OSError is
# strerror(errno) of the C library Python runs on, and the library's is
# its own C library's. They differ when the library is built against
# another C library than python3 here (musl-gcc beside a glibc python3):
# then the examples' output can match the Python originals' in everything
# but the C library's words, and the tests that compare the two say so.
# Found by comparing strerror(1..133) of a program built with this
# compiler with python3's os.strerror; cached in <var> (TRUE: the same).
function(netsock_check_messages_as_python var)
  if(DEFINED ${var})
    return()
  endif()
  find_package(Python3 COMPONENTS Interpreter QUIET)
  set(same TRUE)
  if(NOT Python3_Interpreter_FOUND)
    # Nothing to compare with, and nothing compares with Python: taken as
    # the system's C library, so that the perf gates still run.
  elseif(CMAKE_CROSSCOMPILING)
    set(same FALSE)
  else()
    try_run(run_rc built ${CMAKE_BINARY_DIR}/CMakeFiles/netsock_strerror
      ${PROJECT_SOURCE_DIR}/cmake/checks/strerror_table.c
      RUN_OUTPUT_VARIABLE ours)
    execute_process(
      COMMAND ${Python3_EXECUTABLE} -c
              "import os\nfor n in range(1, 134): print(os.strerror(n))"
      OUTPUT_VARIABLE theirs RESULT_VARIABLE py_rc)
    if(NOT built OR NOT run_rc EQUAL 0 OR NOT py_rc EQUAL 0
       OR NOT ours STREQUAL theirs)
      set(same FALSE)
    endif()
  endif()
  if(same)
    message(STATUS "Error messages as python3's: yes")
  else()
    message(STATUS "Error messages as python3's: no (another C library "
                   "than python3's): example and interop tests compare "
                   "\"[Errno N]\" without the C library's words")
  endif()
  set(${var} ${same} CACHE INTERNAL
      "This build's C library gives python3's error messages")
endfunction()
