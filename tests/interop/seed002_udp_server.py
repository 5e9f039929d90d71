# Seed 002 (4.2 UDP), udp_server.py, for the interop tests. As written,
# plus: host and port from the command line (default socket.gethostname()
# 9999), a "listening on" line so that port 0 can be used, and the end of
# input ends the sending thread (input() raises EOFError there, which would
# kill the thread with a traceback).
import socket
import sys
import threading
import time


class Server:
    def __init__(self):
        super().__init__()
        self.server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 0)
        self.host = sys.argv[1] if len(sys.argv) > 1 else socket.gethostname()
        port = int(sys.argv[2]) if len(sys.argv) > 2 else 9999
        self.server.bind((self.host, port))
        print('listening on %s:%d' % self.server.getsockname())
        self.client_address = ""
        self.flag = True

    def server_recvfrom(self):
        while self.flag:
            data, self.client_address = self.server.recvfrom(1024)
            if data.decode("utf-8") == "end"or not data:
                self.flag = False
            else:
                print(f"接收到客户端发送的消息:{data.decode('utf-8')}")

    def server_sendto(self):
        while self.flag:
            try:
                replying = input().encode("utf-8")
            except EOFError:
                break
            self.server.sendto(replying, self.client_address)


server = Server()
server_revfrom = threading.Thread(target=server.server_recvfrom)
server_revfrom.start()
time.sleep(1)
server_sendto = threading.Thread(target=server.server_sendto)
server_sendto.start()

server_revfrom.join()
server_sendto.join()
