# Example 2 in Python: seed 000's getservbyname() and getsockname() /
# getpeername() lines (sections 1.3.1, 1.3.2) and seed 002's gethostname()
# (3.2), put together as examples/02_lookups.c does, so that the interop
# test can check that both print the same. The seed connects to
# www.baidu.com; this connects to HOST PORT from the command line, or by
# default to a server of its own on loopback. print(type(s.getsockname()))
# is left out: C has no tuple to show.
import socket
import sys

try:
    port1 = socket.getservbyname('http')
    print('HTTP服务的默认端口号是：', port1)
except OSError as e:
    print(type(e).__name__ + ':', e)
try:
    port2 = socket.getservbyname('https', 'tcp')
    print('HTTPS服务的默认端口号是：', port2)
except OSError as e:
    print(type(e).__name__ + ':', e)

print('socket.gethostname():', socket.gethostname())

server = None
if len(sys.argv) > 2:
    addr = (sys.argv[1], int(sys.argv[2]))
else:
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(1)
    addr = server.getsockname()

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(addr)
# 获取本机IP地址和端口号
print('本机IP及端口：', s.getsockname())
# 获取远程机器的IP地址和端口号
print('远程机器IP及端口：', s.getpeername())
s.close()
if server:
    server.close()
