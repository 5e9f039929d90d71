// SPDX-License-Identifier: MIT
#include <cstring>

extern "C" int c_side(char *buf, unsigned long size);

int main()
{
  char buf[8];
  return c_side(buf, sizeof buf) == 2 && std::strcmp(buf, "42") == 0 ? 0 : 1;
}
