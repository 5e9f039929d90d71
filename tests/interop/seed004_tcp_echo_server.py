# Seed 004 (案例1: TCP回声服务器), for the interop tests. As written, plus:
# host and port from the command line (default 0.0.0.0 8888), and a
# "listening on" line so that port 0 can be used.
# 服务端代码
import socket
import sys
host = sys.argv[1] if len(sys.argv) > 1 else '0.0.0.0'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8888

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind((host, port))
server.listen()
print('listening on %s:%d' % server.getsockname())

print("TCP服务器启动...")
while True:
    client, addr = server.accept()
    print(f"客户端 {addr} 已连接")
    while True:
        data = client.recv(1024)
        if not data: break
        client.send(data)  # 返回原始数据
    client.close()
