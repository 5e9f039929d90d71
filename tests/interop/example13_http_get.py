# Example 13 in Python: an HTTP/1.0 GET with create_connection() and a
# timeout, the response read through makefile(): the status line, the
# headers up to the blank line, then the body to the end of the stream.
# examples/13_http_get.c translates it line by line.
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
path = sys.argv[3] if len(sys.argv) > 3 else '/'

sock = socket.create_connection((host, port), timeout=5)
request = 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' % (path, host)
sock.sendall(request.encode('ascii'))
f = sock.makefile('rb')
status = f.readline().decode('latin-1').rstrip('\r\n')
print('Status:', status)
headers = {}
while True:
    line = f.readline().decode('latin-1').rstrip('\r\n')
    if not line:
        break
    name, _, value = line.partition(':')
    headers[name.strip().lower()] = value.strip()
print('Content-Type:', headers.get('content-type'))
print('Content-Length:', headers.get('content-length'))
body = f.read()
print('Body: %d bytes' % len(body))
print(body.decode('utf-8'), end='')
f.close()
sock.close()
