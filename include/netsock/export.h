/* SPDX-License-Identifier: MIT */
/**
 * @file netsock/export.h
 * @brief The export macro and the C++ linkage guards.
 */
#ifndef NETSOCK_EXPORT_H
#define NETSOCK_EXPORT_H

/* clang-format off */
/**
 * NS_EXTERN marks every public declaration. The library is built with
 * hidden visibility, so anything without it stays internal. NS_BUILDING is
 * defined while the library itself compiles; NS_STATIC reaches consumers of
 * the static library through its CMake target and pkg-config file.
 */
#if defined(_WIN32)
#  if defined(NS_STATIC)
#    define NS_EXTERN
#  elif defined(NS_BUILDING)
#    define NS_EXTERN __declspec(dllexport)
#  else
#    define NS_EXTERN __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define NS_EXTERN __attribute__((visibility("default")))
#else
#  define NS_EXTERN
#endif

#ifdef __cplusplus
/** Opens the declarations of a header: `extern "C" {` in C++, empty in C. */
#  define NS_BEGIN_DECL extern "C" {
/** Closes what NS_BEGIN_DECL opened: `}` in C++, empty in C. */
#  define NS_END_DECL }
#else
/** Opens the declarations of a header: `extern "C" {` in C++, empty in C. */
#  define NS_BEGIN_DECL
/** Closes what NS_BEGIN_DECL opened: `}` in C++, empty in C. */
#  define NS_END_DECL
#endif
/* clang-format on */

#endif /* NETSOCK_EXPORT_H */
