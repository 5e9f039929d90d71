/* SPDX-License-Identifier: MIT */
/**
 * @file netsock/netsock.h
 * @brief libnetsock: Python's socket API for C. Include only this header.
 */
#ifndef NETSOCK_NETSOCK_H
#define NETSOCK_NETSOCK_H

#include <netsock/export.h>
#include <netsock/version.h>
#include <netsock/error.h>
#include <netsock/addr.h>
#include <netsock/socket.h>
#include <netsock/msg.h>
#include <netsock/poller.h>
#include <netsock/resolve.h>
#include <netsock/create.h>
#include <netsock/handle.h>

#endif /* NETSOCK_NETSOCK_H */
