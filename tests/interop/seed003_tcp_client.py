# Seed 003 ("python的socket连接编程", TCP Client), for the interop tests.
# As written, plus: host and port from the command line (default 127.0.0.1
# 30000).
# 导入socket模块
import socket
import sys
host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 30000
# 创建socket对象
s = socket.socket()
# 连接远程主机
s.connect((host, port))    # ①
print('--%s--' % s.recv(1024).decode('utf-8'))
s.close()
