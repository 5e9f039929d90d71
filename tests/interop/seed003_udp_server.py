# Seed 003 ("python的socket连接编程", UDP Server), for the interop tests.
# As written, plus: host and port from the command line (default 127.0.0.1
# 8080), and a "listening on" line so that port 0 can be used.
# 1、导入模块
import socket
import sys
host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8080

# 2、创建套接字
udp_socket_server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# 3、绑定服务端的IP和端口
udp_socket_server.bind((host, port))
print('listening on %s:%d' % udp_socket_server.getsockname())
# 4、接收客户端的信息
recv_data, ip_port = udp_socket_server.recvfrom(1024)
# 5、解码接收到的信息并显示
recv_str = recv_data.decode("GBK")
print("接收到客户端发送的数据:%s" % recv_str)
print("客户端IP及端口", ip_port)
# 6、回复信息给客户端
udp_socket_server.sendto("服务端收到信息啦！".encode("GBK"), ip_port)
# 7、关闭套接字
udp_socket_server.close()
