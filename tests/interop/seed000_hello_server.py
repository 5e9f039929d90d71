# Seed 000 ("一Socket通信", 1.3.3), the server, for the interop tests.
# As written, plus: host and port from the command line (default
# 127.0.0.1 12345), and a "listening on" line so that port 0 can be used.
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 12345

# 创建套接字对象
server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# 绑定地址和端口
server_socket.bind((host, port))
# 开始监听连接
server_socket.listen(1)
print('listening on %s:%d' % server_socket.getsockname())
print('Wating for connection...')
# 接受连接
client_socket, client_addr = server_socket.accept()
print('Connection from', client_addr)
# 接收数据
data = client_socket.recv(1024)
print('Received', data.decode())
# 发送响应数据
client_socket.send(b'Hello,client!')
# 关闭连接
client_socket.close()
server_socket.close()
