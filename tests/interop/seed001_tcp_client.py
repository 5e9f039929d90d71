# -*- coding: utf-8 -*-
# Seed 001, tcpCliSock.py, for the interop tests. Fixed for Python 3:
# input() for raw_input(), print(), `except Exception as e`, str <-> bytes
# as UTF-8 at the socket, and the end of input stops the loop (input()
# raises EOFError there, which the original would catch forever). Plus:
# host and port from the command line (default localhost 21567).
import sys
from socket import *
HOST = sys.argv[1] if len(sys.argv) > 1 else 'localhost'  #主机名
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 21567   #端口号 与服务器一致
BUFSIZE = 1024              #缓冲区大小1K
ADDR = (HOST,PORT)
tcpCliSock = socket(AF_INET, SOCK_STREAM)
tcpCliSock.connect(ADDR)    #连接服务器
while True:                 #无限循环等待连接到来
    try:
        data = input('>')
        if not data:
            break
        tcpCliSock.send(data.encode())   #发送数据
        data = tcpCliSock.recv(BUFSIZE)  #接受数据
        if not data:
            break
        print('Server: ', data.decode())
    except EOFError:
        break
    except Exception as e:
        print('Error: ',e)

tcpCliSock.close()          #关闭客户端
