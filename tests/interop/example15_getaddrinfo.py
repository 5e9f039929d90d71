# Example 15 in Python: getaddrinfo() and the list of tuples Python prints
# for it, then a lookup that fails and the last line of its traceback.
# examples/15_getaddrinfo.c translates it line by line.
import socket
import sys
import traceback

hosts = sys.argv[1:] or ['127.0.0.1', '::1', 'localhost']
for host in hosts:
    print('getaddrinfo(%r, 80):' % host)
    print(socket.getaddrinfo(host, 80, proto=socket.IPPROTO_TCP))
try:
    socket.getaddrinfo('localhost', 80, flags=socket.AI_NUMERICHOST)
except socket.gaierror as e:
    print(traceback.format_exception_only(e)[-1], end='')
