# SPDX-License-Identifier: MIT
# Compare the functions libnetsock exports with what the torture test
# exercised (test_fault_torture --coverage): every export must be called;
# one that made fallible calls was run under injected faults, and one that
# made none must be listed in pure_functions.txt, which in turn may name
# only exports that made none.
#   cmake -DNM=nm -DLIBRARY=libnetsock.so -DTORTURE=test_fault_torture
#         -DPURE=pure_functions.txt -P check_coverage.cmake
execute_process(COMMAND ${NM} -g --defined-only ${LIBRARY}
  OUTPUT_VARIABLE nm_out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LIBRARY}")
endif()
string(REGEX MATCHALL "[ \t]T ns_[A-Za-z0-9_]+" hits "${nm_out}")
set(exported)
foreach(h IN LISTS hits)
  string(REGEX REPLACE "^[ \t]T " "" name "${h}")
  if(NOT name MATCHES "^ns__")
    list(APPEND exported ${name})
  endif()
endforeach()
list(REMOVE_DUPLICATES exported)
list(LENGTH exported n_exported)
if(n_exported LESS 10)
  message(FATAL_ERROR "found only ${n_exported} exports in ${LIBRARY}")
endif()

execute_process(COMMAND ${TORTURE} --coverage
  OUTPUT_VARIABLE cov_out ERROR_VARIABLE cov_err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TORTURE} --coverage failed:\n${cov_err}")
endif()
string(REGEX MATCHALL "api [A-Za-z0-9_]+ [0-9]+" lines "${cov_out}")
foreach(l IN LISTS lines)
  string(REGEX REPLACE "api ([A-Za-z0-9_]+) ([0-9]+)" "\\1;\\2" parts "${l}")
  list(GET parts 0 name)
  list(GET parts 1 calls)
  set(calls_${name} ${calls})
endforeach()

file(STRINGS ${PURE} pure_lines REGEX "^ns_")
set(pure)
foreach(l IN LISTS pure_lines)
  string(REGEX REPLACE "[ \t#].*" "" name "${l}")
  list(APPEND pure ${name})
endforeach()

set(problems "")
set(n_faulted 0)
set(n_pure 0)
foreach(name IN LISTS exported)
  list(FIND pure ${name} is_pure)
  if(NOT DEFINED calls_${name})
    string(APPEND problems "  ${name}: never called by any torture scenario\n")
  elseif(calls_${name} EQUAL 0)
    if(is_pure EQUAL -1)
      string(APPEND problems "  ${name}: made no fallible call; add a "
             "scenario input that makes it reach the system, or list it in "
             "pure_functions.txt\n")
    else()
      math(EXPR n_pure "${n_pure} + 1")
    endif()
  elseif(NOT is_pure EQUAL -1)
    string(APPEND problems "  ${name}: listed as pure but made "
           "${calls_${name}} fallible call(s)\n")
  else()
    math(EXPR n_faulted "${n_faulted} + 1")
  endif()
endforeach()
foreach(name IN LISTS pure)
  list(FIND exported ${name} found)
  if(found EQUAL -1)
    string(APPEND problems "  ${name}: in pure_functions.txt but not "
           "exported\n")
  endif()
endforeach()
if(problems)
  message(FATAL_ERROR "torture coverage of the public API:\n${problems}")
endif()
message(STATUS "${n_exported} exported functions: ${n_faulted} run under "
        "injected faults, ${n_pure} make no fallible call")
