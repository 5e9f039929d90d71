# SPDX-License-Identifier: MIT
"""What the table generators (gen_errno_classes.py, gen_winerror_classes.py)
share: `--check FILE` compares a committed table with the one generated now
and prints `what` when they agree."""
import sys


def check_committed(argv0, path, generated, what):
    """0 when the file at `path` holds `generated`, else 1 and a message."""
    with open(path, encoding="ascii") as f:
        committed = f.read()
    if committed != generated:
        sys.stderr.write(f"{path} is stale: regenerate it with "
                         f"{argv0} > {path}\n")
        return 1
    print(what)
    return 0
