# SPDX-License-Identifier: MIT
# The tests on Windows (mingw-w64; run under wine through
# CMAKE_CROSSCOMPILING_EMULATOR). Included by tests/CMakeLists.txt in place
# of the POSIX list. A test program that runs here skips, case by case and
# saying why, what needs something Windows lacks; a program that cannot run
# here at all is registered as a test that prints why and reports skipped.

# The support library asks Winsock about sockets directly (getsockopt);
# tests name interfaces (if_nametoindex, in iphlpapi).
target_link_libraries(netsock_test_support PUBLIC ws2_32 iphlpapi)

# One cmocka program per concern, as on POSIX systems.
netsock_add_test(version LABELS unit)
netsock_add_test(error LABELS unit)
netsock_add_test(addr LABELS unit)
target_compile_definitions(test_error PRIVATE
  ERRNO_TABLE="${CMAKE_CURRENT_SOURCE_DIR}/data/errno_classes.txt")
netsock_add_test(sockopt LABELS loopback)
netsock_add_test(socket LABELS loopback)
netsock_add_test(conn LABELS loopback)
netsock_add_test(io LABELS loopback)
netsock_add_test(poller LABELS loopback)
netsock_add_test(timeout LABELS loopback TIMEOUT 300)
netsock_add_test(resolve LABELS loopback SOURCES hosts_sandbox.c)
netsock_add_test(create LABELS loopback ipv6 SOURCES hosts_sandbox.c)
netsock_add_test(handle LABELS loopback)
netsock_add_test(recvflags LABELS loopback)
# What the Winsock backend does its own way: datagram batches, sendfile's
# copy, the calls Windows lacks.
netsock_add_test(winsock LABELS loopback)

# Windows errors as Python on Windows classifies and prints them: the same
# white-box test as on POSIX systems, here on the platform they belong to.
add_executable(test_winerror test_winerror.c
  ${PROJECT_SOURCE_DIR}/src/core/error.c
  ${PROJECT_SOURCE_DIR}/src/core/winerror.c
  ${PROJECT_SOURCE_DIR}/src/win/init.c)
target_include_directories(test_winerror PRIVATE
  ${PROJECT_SOURCE_DIR}/src/core ${PROJECT_SOURCE_DIR}/src/win
  ${PROJECT_BINARY_DIR}/src
  ${PROJECT_SOURCE_DIR}/include ${PROJECT_BINARY_DIR}/include)
target_compile_definitions(test_winerror PRIVATE NS_STATIC _WIN32_WINNT=0x0A00
  WINERROR_TABLE="${CMAKE_CURRENT_SOURCE_DIR}/data/winerror_classes.txt")
target_link_libraries(test_winerror PRIVATE cmocka::cmocka ws2_32)
set_target_properties(test_winerror PROPERTIES C_STANDARD 11)
netsock_set_warnings(test_winerror)
add_test(NAME netsock.winerror COMMAND test_winerror)
set_tests_properties(netsock.winerror PROPERTIES LABELS unit)

# netsock_windows_skip(<test> <labels> <why>): the test prints why it does
# not run on Windows, and ctest counts it as skipped.
function(netsock_windows_skip name labels why)
  add_test(NAME ${name}
           COMMAND sh -c "echo \"skipped on Windows: $1\"; exit 77" sh "${why}")
  set_tests_properties(${name} PROPERTIES LABELS "${labels}"
                       SKIP_RETURN_CODE 77)
endfunction()

# What does not run on Windows, and why.
netsock_windows_skip(netsock.python_parity loopback
  "python3 here is Linux's, whose classes and messages are Linux's ([Errno 32] Broken pipe where Windows says [WinError 10058]); netsock.winerror checks the classes against CPython's Windows table")
netsock_windows_skip(netsock.msg loopback
  "descriptor passing (SCM_RIGHTS), credentials, MSG_ERRQUEUE and AF_UNIX datagrams are POSIX or Linux only; Winsock has no descriptor passing")
netsock_windows_skip(netsock.mmsg loopback
  "sendmmsg/recvmmsg and the seccomp filter its fallback case runs under are Linux only")
netsock_windows_skip(netsock.sendfile loopback
  "its cases send from pipes, memfd and mkstemp files and fork(); not ported yet")
netsock_windows_skip(netsock.security loopback
  "it checks close-on-exec through /proc/self/fd and fcntl() across fork() and exec, and the ELF symbol table with nm")
netsock_windows_skip(netsock.fault_torture unit
  "its shim wraps the POSIX calls of the POSIX backend at link time (--wrap); the Winsock backend makes other calls (WSASocketW, closesocket, ioctlsocket), imported from ws2_32.dll through pointers that --wrap does not reach")
foreach(t addr_sockaddr raw_structs stream)
  netsock_windows_skip(netsock.fuzz_${t} "unit;fuzz"
    "not ported yet: the target builds POSIX sockaddr structures (stream: on a POSIX socketpair)")
endforeach()
netsock_windows_skip(netsock.errno_table_current unit
  "it checks the POSIX errno table against python3 here; netsock.winerror checks the Windows table")

# The fuzz corpus replay of the address parser.
add_executable(fuzz_addr_text_replay fuzz/fuzz_addr_text.c fuzz/driver.c)
target_link_libraries(fuzz_addr_text_replay PRIVATE netsock::netsock)
set_target_properties(fuzz_addr_text_replay PROPERTIES C_STANDARD 11)
netsock_set_warnings(fuzz_addr_text_replay)
add_test(NAME netsock.fuzz_addr_text
  COMMAND fuzz_addr_text_replay ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/addr_text)
set_tests_properties(netsock.fuzz_addr_text PROPERTIES
  LABELS "unit;fuzz" TIMEOUT 300)
