# Example 12 in Python: a header line through makefile(), then a file
# through sendfile(). Seeds 003 and 004 only name these methods: this is
# what examples/12_sendfile_server.c translates, so that the interop test
# can check that both sides work with the other.
import os
import socket
import sys
import tempfile

POEM = ('静夜思 李白\n'
        '床前明月光，\n'
        '疑是地上霜。\n'
        '举头望明月，\n'
        '低头思故乡。\n')

host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8888
if len(sys.argv) > 3:
    name = os.path.basename(sys.argv[3])
    f = open(sys.argv[3], 'rb')
else:
    name = 'poem.txt'
    f = tempfile.TemporaryFile()
    f.write(POEM.encode())
    f.seek(0)
size = os.fstat(f.fileno()).st_size

server = socket.socket()
server.bind((host, port))
server.listen(1)
print('listening on %s:%d' % server.getsockname())

conn, addr = server.accept()
print('sending %s, %d bytes' % (name, size))
w = conn.makefile('wb')
w.write(b'FILE %s %d\n' % (name.encode(), size))
w.flush()
sent = conn.sendfile(f)
print('sendfile() sent %d bytes' % sent)
w.close()
conn.close()
server.close()
f.close()
