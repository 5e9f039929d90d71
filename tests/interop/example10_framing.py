# Example 10 in Python: the "half packet / sticky packet" problem of seed
# 004 (注意事项 5) and its cure, length-prefixed messages. Not a seed
# program: it is what examples/10_framing.c translates, so that the
# interop test can check that both print the same.
import socket
import struct
import threading


def send_msg(sock, data):
    sock.sendall(struct.pack('!I', len(data)) + data)


def recv_exact(sock, n):
    buf = b''
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def recv_msg(sock):
    header = recv_exact(sock, 4)
    if header is None:
        return None
    n, = struct.unpack('!I', header)
    return recv_exact(sock, n)


BIG = 4 * 1024 * 1024


def pattern(n):
    return bytes(i * 7 % 251 for i in range(n))


def sender(a):
    for text in ('hello', 'world', '', '你好'):
        send_msg(a, text.encode())
    send_msg(a, pattern(BIG))
    send_msg(a, b'bye')
    a.close()


listener = socket.socket()
listener.bind(('127.0.0.1', 0))
listener.listen(1)
a = socket.socket()
a.connect(listener.getsockname())
b, _ = listener.accept()
listener.close()

a.send(b'hello')
a.send(b'world')
b.recv(10, socket.MSG_PEEK | socket.MSG_WAITALL)
print("two send()s, one recv(1024): %s" % b.recv(1024))

a.send(b'hello world')
print("one send(), recv(5): %s" % b.recv(5))
print("and the next recv(1024): %s" % b.recv(1024))

thread = threading.Thread(target=sender, args=(a,))
thread.start()
while True:
    data = recv_msg(b)
    if data is None:
        print('the sender closed the connection: no more messages')
        break
    if len(data) < 64:
        print("message of %d bytes: '%s'" % (len(data), data.decode()))
    else:
        print('message of %d bytes: %s' % (
            len(data), 'every byte as sent' if data == pattern(BIG)
            else 'DAMAGED'))
thread.join()
b.close()
