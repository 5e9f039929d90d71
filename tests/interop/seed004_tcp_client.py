# Seed 004 (案例3: 客户端连接测试), for the interop tests. As written, plus:
# host and port from the command line (default 127.0.0.1 8888).
# TCP客户端测试代码
import socket
import sys
host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8888

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.connect((host, port))
    s.send(b'Hello Server!')
    print("收到回复:", s.recv(1024).decode())
