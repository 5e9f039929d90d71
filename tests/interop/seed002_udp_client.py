# Seed 002 (4.2 UDP), upd_client, for the interop tests. As written, plus:
# host, the server's port and the client's own port from the command line
# (default socket.gethostname() 9999 9998), and the end of input ends the
# sending thread (input() raises EOFError there, which would kill the
# thread with a traceback).
import socket
import sys
import threading
import time


class Client:
    def __init__(self):
        super().__init__()
        self.client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 0)
        self.host = sys.argv[1] if len(sys.argv) > 1 else socket.gethostname()
        server_port = int(sys.argv[2]) if len(sys.argv) > 2 else 9999
        client_port = int(sys.argv[3]) if len(sys.argv) > 3 else 9998
        self.client.bind((self.host, client_port))
        self.server_address = (self.host, server_port)
        self.flag = True

    def client_recvfrom(self):
        while self.flag:
            data, self.server_address = self.client.recvfrom(1024)
            if data.decode("utf-8") == "end"or not data:
                self.flag = False
            else:
                print(f"接收到服务端的回复:{data.decode('utf-8')}")

    def client_sendto(self):
        while self.flag:
            try:
                replying = input().strip().encode("utf-8")
            except EOFError:
                break
            self.client.sendto(replying, self.server_address)


client = Client()
client_revfrom = threading.Thread(target=client.client_recvfrom)
client_revfrom.start()
time.sleep(1)
client_sendto = threading.Thread(target=client.client_sendto)
client_sendto.start()

client_revfrom.join()
client_sendto.join()
