# Seed 003 ("python的socket连接编程", TCP Server), for the interop tests.
# As written, plus: host and port from the command line (default 127.0.0.1
# 30000), and a "listening on" line so that port 0 can be used.
# 导入 socket 模块
import socket
import sys
host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 30000
# 创建socket对象
s = socket.socket()
# 将socket绑定到本机IP和端口
s.bind((host, port))
# 服务端开始监听来自客户端的连接
s.listen()
print('listening on %s:%d' % s.getsockname())
while True:
    # 每当接收到客户端socket的请求时，该方法返回对应的socket和远程地址
    c, addr = s.accept()
    print(c)
    print('连接地址：', addr)
    c.send('您好，您收到了服务器的新年祝福！'.encode('utf-8'))
    # 关闭连接
    c.close()
