# Seed 004 (案例2: UDP时间服务器), for the interop tests. As written, plus:
# host and port from the command line (default 0.0.0.0 8888), and a
# "listening on" line so that port 0 can be used.
# 服务端代码
import socket
import sys
import time
host = sys.argv[1] if len(sys.argv) > 1 else '0.0.0.0'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8888

udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp_socket.bind((host, port))
print('listening on %s:%d' % udp_socket.getsockname())

print("UDP时间服务已启动")
while True:
    data, addr = udp_socket.recvfrom(1024)
    if data == b'time':
        udp_socket.sendto(time.ctime().encode(), addr)
