# SPDX-License-Identifier: MIT
# netsock_library_objects(<name> [OPTIONS <compile option>...])
#
# The library's own sources compiled once more into an OBJECT library, with
# the library's include paths and definitions. Tests that link these
# objects themselves can use -Wl,--wrap=<symbol>, which redirects calls
# between object files at link time but never calls inside an already
# linked libnetsock.so; the fuzzers use them to instrument the library for
# coverage. Nothing here is part of the shipped library.
function(netsock_library_objects name)
  cmake_parse_arguments(O "" "" "OPTIONS" ${ARGN})
  get_target_property(srcs netsock SOURCES)
  get_target_property(dir netsock SOURCE_DIR)
  set(files)
  foreach(s IN LISTS srcs)
    if(IS_ABSOLUTE "${s}")
      list(APPEND files "${s}")
    else()
      list(APPEND files "${dir}/${s}")
    endif()
  endforeach()
  add_library(${name} OBJECT ${files})
  target_include_directories(${name}
    PUBLIC ${PROJECT_SOURCE_DIR}/include ${PROJECT_BINARY_DIR}/include
    PRIVATE ${dir}/core ${dir}/unix ${PROJECT_BINARY_DIR}/src)
  target_compile_definitions(${name} PUBLIC NS_STATIC
    PRIVATE $<TARGET_PROPERTY:netsock,COMPILE_DEFINITIONS>)
  set_target_properties(${name} PROPERTIES
    C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
  # Fortified wrappers (__recv_chk, ...) would slip past --wrap.
  target_compile_options(${name} PRIVATE -U_FORTIFY_SOURCE ${O_OPTIONS})
  target_link_libraries(${name} PUBLIC m Threads::Threads)
  netsock_set_warnings(${name})
endfunction()
