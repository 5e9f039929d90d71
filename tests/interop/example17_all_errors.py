# Example 17 in Python: create_connection(..., all_errors=True) to a port
# where nobody listens. Every address the name resolves to is tried, and
# when all fail Python raises an ExceptionGroup with every attempt's error
# (Python 3.11). examples/17_all_errors.c translates it line by line.
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'

# A port where nobody listens: bind one, note it, close it.
probe = socket.socket()
probe.bind(('127.0.0.1', 0))
port = probe.getsockname()[1]
probe.close()

try:
    s = socket.create_connection((host, port), timeout=5, all_errors=True)
    print('connected to', s.getpeername())
    s.close()
except ExceptionGroup as eg:
    print(eg)
    for exc in eg.exceptions:
        print('  %s: %s' % (type(exc).__name__, exc))
