# SPDX-License-Identifier: MIT
# The machine checks of the stable API (docs/api-stability.md): the
# exported symbols against abi/symbols.txt, the ABI against the abidw
# baseline, and the documentation of every public declaration.

if(NOT NETSOCK_BUILD_TESTS)
  return()
endif()

get_target_property(_netsock_type netsock TYPE)
if(_netsock_type STREQUAL "SHARED_LIBRARY" AND NOT APPLE AND NOT WIN32)
  find_program(NETSOCK_NM NAMES nm DOC "GNU nm, for netsock.abi_symbols")
  if(NOT NETSOCK_NM)
    set(NETSOCK_NM "${CMAKE_NM}")
  endif()
  add_test(NAME netsock.abi_symbols
    COMMAND sh ${PROJECT_SOURCE_DIR}/abi/check-symbols.sh
            ${NETSOCK_NM} $<TARGET_FILE:netsock>
            ${PROJECT_SOURCE_DIR}/abi/symbols.txt)

  find_program(NETSOCK_ABIDIFF NAMES abidiff
               DOC "abidiff (abigail-tools), for netsock.abi_compat")
  if(NOT NETSOCK_ABIDIFF)
    set(NETSOCK_ABIDIFF abidiff)
  endif()
  # The committed baseline is the x86-64 ABI, the one 1.x promises; a
  # 32-bit build's layout differs by nature.
  if(CMAKE_SIZEOF_VOID_P EQUAL 8 AND CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    add_test(NAME netsock.abi_compat
      COMMAND sh ${PROJECT_SOURCE_DIR}/abi/check-abi.sh
              ${NETSOCK_ABIDIFF}
              ${PROJECT_SOURCE_DIR}/abi/libnetsock.so.${PROJECT_VERSION_MAJOR}.abi
              $<TARGET_FILE:netsock>
              ${PROJECT_SOURCE_DIR}/include/netsock
              ${PROJECT_BINARY_DIR}/include/netsock)
    set_tests_properties(netsock.abi_compat PROPERTIES
      LABELS packaging SKIP_RETURN_CODE 77 TIMEOUT 120)
  else()
    message(STATUS "netsock.abi_compat: not on x86-64, whose ABI the baseline is")
  endif()
  set_tests_properties(netsock.abi_symbols PROPERTIES
    LABELS packaging SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()
unset(_netsock_type)

# The same two checks for libnetsock-tls, against abi/tls-symbols.txt and
# abi/libnetsock-tls.so.<major>.abi.
if(NETSOCK_HAVE_TLS)
  get_target_property(_netsock_tls_type netsock_tls TYPE)
  if(_netsock_tls_type STREQUAL "SHARED_LIBRARY" AND NOT APPLE AND NOT WIN32)
    add_test(NAME netsock.tls_abi_symbols
      COMMAND sh ${PROJECT_SOURCE_DIR}/abi/check-symbols.sh
              ${NETSOCK_NM} $<TARGET_FILE:netsock_tls>
              ${PROJECT_SOURCE_DIR}/abi/tls-symbols.txt)
    add_test(NAME netsock.tls_abi_compat
      COMMAND sh ${PROJECT_SOURCE_DIR}/abi/check-abi.sh
              ${NETSOCK_ABIDIFF}
              ${PROJECT_SOURCE_DIR}/abi/libnetsock-tls.so.${PROJECT_VERSION_MAJOR}.abi
              $<TARGET_FILE:netsock_tls>
              ${PROJECT_SOURCE_DIR}/include/netsock
              ${PROJECT_BINARY_DIR}/include/netsock)
    set_tests_properties(netsock.tls_abi_symbols netsock.tls_abi_compat
      PROPERTIES LABELS "packaging;tls" SKIP_RETURN_CODE 77 TIMEOUT 120)
  endif()
  unset(_netsock_tls_type)
endif()
