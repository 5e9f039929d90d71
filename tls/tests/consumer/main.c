/* SPDX-License-Identifier: MIT */
/* Uses libnetsock-tls as installed: its header, library and defaults. */
#include <stdio.h>

#include <netsock/tls.h>

int main(void)
{
  ns_tls_context *ctx;
  if (ns_tls_create_default_context(&ctx, NS_TLS_PURPOSE_SERVER_AUTH) !=
      NS_OK) {
    fprintf(stderr, "%s\n", ns_error_last_message());
    return 1;
  }
  int ok = ns_tls_context_verify_mode(ctx) == NS_TLS_CERT_REQUIRED &&
           ns_tls_context_check_hostname(ctx) &&
           ns_tls_context_minimum_version(ctx) == NS_TLS_VERSION_TLSv1_2;
  ns_tls_context_close(ctx);
  printf("libnetsock-tls consumer: %s\n", ok ? "secure defaults" : "WRONG");
  return ok ? 0 : 1;
}
