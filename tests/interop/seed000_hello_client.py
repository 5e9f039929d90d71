# Seed 000 ("一Socket通信", 1.3.3), the client, for the interop tests.
# As written, plus: host and port from the command line (default
# 127.0.0.1 12345).
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 12345

# 创建套接字对象
client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# 连接服务器
client_socket.connect((host, port))
# 发送数据
client_socket.send(b'Hello Server!')
# 接收响应数据
data = client_socket.recv(1024)
print('Received:', data.decode())
# 关闭连接
client_socket.close()
