# -*- coding: utf-8 -*-
# Seed 001, udpSerSock.py, for the interop tests. Fixed for Python 3:
# print(), `except Exception as e`, and str <-> bytes as UTF-8 at the
# socket. Plus: host and port from the command line (default '' 21567),
# and a "listening on" line so that port 0 can be used.
import sys
from socket import *
from time import ctime
HOST = sys.argv[1] if len(sys.argv) > 1 else ''          #主机名
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 21567  #端口号
BUFSIZE = 1024              #缓冲区大小1K
ADDR = (HOST,PORT)
udpSerSock = socket(AF_INET, SOCK_DGRAM)
udpSerSock.bind(ADDR)       #绑定地址到套接字
print('listening on %s:%d' % udpSerSock.getsockname())
while True:                 #无限循环等待连接到来
    try:
        print('Waiting for message ....')
        data, addr = udpSerSock.recvfrom(BUFSIZE)          #接受UDP
        print('Get client msg is: ', data.decode())
        udpSerSock.sendto(('[%s] %s' %(ctime(),data.decode())).encode(), addr) #发送UDP
        print('Received from and returned to: ',addr)
    except Exception as e:
        print('Error: ',e)
udpSerSock.close()          #关闭服务器
