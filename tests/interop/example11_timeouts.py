# Example 11 in Python: timeouts and non-blocking mode (seed 002, 3.7 and
# 3.17: setblocking, settimeout). Not a seed program: it is what
# examples/11_timeouts.c translates, so that the interop test can check
# that both print the same.
import select
import socket
import time


def show(call):
    try:
        call()
        print('  no error')
    except OSError as e:
        print(' ', type(e).__name__ + ':', e)


print('socket.getdefaulttimeout():', socket.getdefaulttimeout())

s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(1)
addr = s.getsockname()
print('a new socket: timeout %s, blocking %s' % (s.gettimeout(),
                                                 s.getblocking()))

s.settimeout(0.2)
print('s.settimeout(0.2): timeout %s, blocking %s; accept():'
      % (s.gettimeout(), s.getblocking()))
start = time.monotonic()
show(s.accept)
waited = time.monotonic() - start
print('  waited about 0.2 s:', 0.15 <= waited < 2.0)

s.setblocking(False)
print('s.setblocking(False): timeout %s, blocking %s; accept():'
      % (s.gettimeout(), s.getblocking()))
show(s.accept)

c = socket.socket()
c.setblocking(False)
print('c.setblocking(False); c.connect():')
show(lambda: c.connect(addr))
_, writable, _ = select.select([], [c], [], 5)
print('  writable within 5 s: %s, SO_ERROR: %d'
      % (bool(writable), c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)))

peer, _ = s.accept()
print('c.recv(16) with nothing to read:')
show(lambda: c.recv(16))

c.settimeout(2.0)
peer.send(b'ping')
data = c.recv(16)
print('c.settimeout(2.0): timeout %s, blocking %s; c.recv(16): %s'
      % (c.gettimeout(), c.getblocking(), data))

c.setblocking(True)
print('c.setblocking(True): timeout %s, blocking %s'
      % (c.gettimeout(), c.getblocking()))

c.settimeout(0.2)
print('c.settimeout(0.2); c.sendall() of 64 MiB that nobody reads:')
show(lambda: c.sendall(b'x' * (64 << 20)))

socket.setdefaulttimeout(1.5)
d = socket.socket()
print('socket.setdefaulttimeout(1.5): a new socket: timeout %s, blocking %s'
      % (d.gettimeout(), d.getblocking()))

d.close()
peer.close()
c.close()
s.close()
