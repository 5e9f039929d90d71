# A client for seed 004's UDP time server, for the interop tests. Seed 004
# has none: this one is put together from its "UDP发送数据" lines (the
# client's sendto and the receiving side's recvfrom and print). It sends a
# message that the server ignores, then `time`, and prints the answer.
# Host and port from the command line (default 127.0.0.1 8888).
import socket
import sys
host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8888

udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# 客户端发送
udp_socket.sendto(b'Hello UDP!', (host, port))
udp_socket.sendto(b'time', (host, port))
data, addr = udp_socket.recvfrom(1024)
print(f"收到来自{addr}的消息: {data.decode()}")
udp_socket.close()
