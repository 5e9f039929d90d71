# Example 12 in Python: read what the server sends, line by line, through
# makefile(). Seeds 003 and 004 only name the method: this is what
# examples/12_makefile_client.c translates, so that the interop test can
# check that both sides work with the other.
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8888

s = socket.socket()
s.connect((host, port))
r = s.makefile('rb')
header = r.readline()
print(header.decode(), end='')
_, name, size = header.split()
size = int(size)
got = n = 0
while got < size:
    line = r.readline()
    if not line:
        break
    got += len(line)
    n += 1
    print('%4d  %s' % (n, line.decode()), end='')
print('%d bytes in %d lines' % (got, n))
r.close()
s.close()
sys.exit(0 if got == size else 1)
