# -*- coding: utf-8 -*-
# Seed 001, tcpSerSock.py, for the interop tests. Fixed for Python 3:
# print(), `except Exception as e`, and str <-> bytes as UTF-8 at the
# socket. Plus: host and port from the command line (default localhost
# 21567), and a "listening on" line so that port 0 can be used.
import sys
from socket import *
from time import ctime
HOST = sys.argv[1] if len(sys.argv) > 1 else 'localhost'  #主机名
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 21567   #端口号
BUFSIZE = 1024              #缓冲区大小1K
ADDR = (HOST,PORT)
tcpSerSock = socket(AF_INET, SOCK_STREAM)
tcpSerSock.bind(ADDR)       #绑定地址到套接字
tcpSerSock.listen(5)        #监听 最多同时5个连接进来
print('listening on %s:%d' % tcpSerSock.getsockname())
while True:                 #无限循环等待连接到来
    try:
        print('Waiting for connection ....')
        tcpCliSock, addr = tcpSerSock.accept()  #被动接受客户端连接
        print(u'Connected client from : ', addr)
        while True:
            data = tcpCliSock.recv(BUFSIZE)     #接受数据
            if not data:
                break
            else:
                print('Client: ',data.decode())
            tcpCliSock.send(('[%s] %s' %(ctime(),data.decode())).encode()) #时间戳
    except Exception as e:
        print('Error: ',e)
tcpSerSock.close()          #关闭服务器
