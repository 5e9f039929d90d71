# Seed 003 ("python的socket连接编程", UDP Client), for the interop tests.
# As written, plus: host and port from the command line (default 127.0.0.1
# 8080).
# 1、导入模块
import socket
import sys
host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8080

# 2、创建套接字
udp_socket_client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# 3、发送信息到服务器
udp_socket_client.sendto("hello".encode("GBK"), (host, port))
# 4、接收服务器回复的信息并解码 显示
recv_data, ip_port = udp_socket_client.recvfrom(1024)
print("服务端回复信息：%s" % recv_data.decode("GBK"))
print("服务端IP及端口", ip_port)
# 5、关闭套接字
udp_socket_client.close()
