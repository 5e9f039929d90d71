# Example 9 in Python: the errors of seed 000's exception table (section
# 1.4), provoked on loopback. Not a seed program: it is what
# examples/09_errors.c translates, so that the interop test can check that
# libnetsock names each error and words its message as Python does.
import errno
import socket
import struct


def show(what, call):
    print(what)
    try:
        call()
        print('  no error')
    except Exception as e:
        print('  %s: %s (OSError: %s, ConnectionError: %s)'
              % (type(e).__name__, e, isinstance(e, OSError),
                 isinstance(e, ConnectionError)))


def tcp_pair():
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)
    client = socket.socket()
    client.connect(listener.getsockname())
    server, _ = listener.accept()
    return listener, client, server


print('socket.error is OSError: %s' % (socket.error is OSError))

listener, client, server = tcp_pair()
client.settimeout(0.1)
show('socket.timeout: recv() with a 0.1 s timeout on a quiet connection',
     lambda: client.recv(16))

server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
server.close()
show('ConnectionResetError: recv() after the peer reset the connection',
     lambda: client.recv(16))
show('BrokenPipeError: send() on the connection that was reset',
     lambda: client.send(b'x'))
client.close()

addr = listener.getsockname()
listener.close()
s = socket.socket()
show('ConnectionRefusedError: connect() to a port where nobody listens',
     lambda: s.connect(addr))
s.close()

print('ConnectionAbortedError: ECONNABORTED, which Linux does not give '
      'on loopback')
print('  errno %d is a %s' % (errno.ECONNABORTED,
                              type(OSError(errno.ECONNABORTED, '')).__name__))

s = socket.socket()
show('not connected: recv() on a socket that never connected',
     lambda: s.recv(16))
s.close()

s = socket.socket(socket.AF_INET6)
show('socket.gaierror: an IPv4 address for an IPv6 socket',
     lambda: s.connect(('127.0.0.1', 80)))
s.close()

s1 = socket.socket()
s1.bind(('127.0.0.1', 0))
s1.listen(1)
s2 = socket.socket()
show('OSError: bind() to a port that another socket listens on',
     lambda: s2.bind(s1.getsockname()))
s1.close()

show('OverflowError: bind() to port 70000',
     lambda: s2.bind(('127.0.0.1', 70000)))
show('ValueError: a negative timeout', lambda: s2.settimeout(-2))
s2.close()
