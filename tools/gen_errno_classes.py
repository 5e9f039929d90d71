#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the errno -> Python exception class table that tests/test_error.c
checks ns_error_from_errno() against, from this machine's python3.

    gen_errno_classes.py > tests/data/errno_classes.txt
    gen_errno_classes.py --check tests/data/errno_classes.txt

One line per errno value: "<value> <NAME> <Class>". With --check, exit 1
when the file differs from what python3 says now.
"""
import errno
import sys

from table_check import check_committed


def table():
    lines = ["# errno name class: type(OSError(errno, '')).__name__"]
    for value in sorted(errno.errorcode):
        name = errno.errorcode[value]
        lines.append(f"{value} {name} {type(OSError(value, '')).__name__}")
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        return check_committed(argv[0], argv[2], table(),
                               "errno table matches python3")
    if len(argv) != 1:
        sys.stderr.write(__doc__)
        return 2
    sys.stdout.write(table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
