/* SPDX-License-Identifier: MIT */
/*
 * The benchmark cases. Each is written once, against backend.h, and runs
 * in both builds; main.c picks one by name.
 */
#ifndef NETSOCK_BENCH_CASES_H
#define NETSOCK_BENCH_CASES_H

#include "harness.h"

void case_pingpong_tcp(const struct bench_opts *o);
void case_pingpong_udp(const struct bench_opts *o);
void case_bulk_tcp(const struct bench_opts *o);
void case_sendall_large(const struct bench_opts *o);
void case_connect_churn(const struct bench_opts *o);
void case_udp_pps(const struct bench_opts *o);
void case_timeout_precision(const struct bench_opts *o);
void case_concurrent(const struct bench_opts *o);

#endif /* NETSOCK_BENCH_CASES_H */
