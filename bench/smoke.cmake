# SPDX-License-Identifier: MIT
# Run every benchmark case once, small, and check that it prints its CSV
# row: the benchmarks cannot rot unnoticed. Nothing is timed or compared.
#   cmake -DBENCH="prog;args" -P smoke.cmake
set(cases
  "pingpong_tcp --iters 200"
  "pingpong_tcp --size 64 --iters 200 --timeout 5"
  "pingpong_udp --iters 200"
  "bulk_tcp --size 1024 --bytes 1048576"
  "sendall_large --bytes 4194304"
  "connect_churn --iters 50"
  "udp_pps --iters 2000"
  "timeout_precision --timeout 0.01 --iters 1"
  "timeout_precision --op accept --timeout 0.01 --iters 1"
  "timeout_precision --op connect --timeout 0.01 --iters 1"
  "timeout_precision --op sendall --timeout 0.01 --iters 1"
  "concurrent_1000 --iters 50")
# Python has no batch calls.
if(NOT BENCH MATCHES "\\.py$")
  list(APPEND cases "udp_pps --iters 2000 --batch 32")
endif()
foreach(c IN LISTS cases)
  separate_arguments(args UNIX_COMMAND "${c}")
  list(GET args 0 name)
  execute_process(COMMAND ${BENCH} ${args}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  TIMEOUT 60)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "^${name},[^,]*,[a-z]+,[0-9]+,[0-9.e+-]+,")
    message(FATAL_ERROR "${c}: exit ${rc}\n${out}${err}")
  endif()
  message(STATUS "${out}")
endforeach()
