# SPDX-License-Identifier: MIT
# Remove every file that install_manifest.txt lists (the files of the last
# `cmake --install`), then the directories libnetsock alone had, once
# empty. $ENV{DESTDIR} is honoured as the install honoured it.
#   cmake -DMANIFEST=<build>/install_manifest.txt -P uninstall.cmake
if(NOT EXISTS "${MANIFEST}")
  message(FATAL_ERROR "${MANIFEST} not found: nothing was installed from "
                      "this build directory (run cmake --install first)")
endif()
file(STRINGS "${MANIFEST}" files)
set(dirs "")
foreach(file IN LISTS files)
  set(path "$ENV{DESTDIR}${file}")
  if(EXISTS "${path}" OR IS_SYMLINK "${path}")
    message(STATUS "Removing ${path}")
    file(REMOVE "${path}")
  else()
    message(STATUS "Already gone: ${path}")
  endif()
  # The directories below one named netsock (include/netsock,
  # lib/cmake/netsock, share/doc/netsock/...) are libnetsock's alone.
  get_filename_component(dir "${path}" DIRECTORY)
  while(dir MATCHES "/netsock(/|$)")
    list(APPEND dirs "${dir}")
    get_filename_component(dir "${dir}" DIRECTORY)
  endwhile()
endforeach()
list(REMOVE_DUPLICATES dirs)
# Deepest first, so that a directory is empty once its children are gone.
list(SORT dirs ORDER DESCENDING)
foreach(dir IN LISTS dirs)
  file(GLOB left "${dir}/*")
  if(IS_DIRECTORY "${dir}" AND NOT left)
    message(STATUS "Removing ${dir}")
    file(REMOVE_RECURSE "${dir}")
  endif()
endforeach()
