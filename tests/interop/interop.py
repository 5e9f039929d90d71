# SPDX-License-Identifier: MIT
"""Interop test driver: a tutorial's C program against its Python original.

    interop.py [--other-libc] [--emulator=PROGRAM] RUN_PAIR SCENARIO WORKDIR MIX
               [--server C_PROGRAM PY_SCRIPT] [--client C_PROGRAM PY_SCRIPT]

MIX is "c_server" (the C server with the Python client), "c_client" (the
Python server with the C client) or "c" (a program run alone, as the
client). The scenario (examples/scenarios/) is played twice with
examples/harness/run_pair: once with the Python programs only, which is the
reference, and once with the mix. Every expect of the scenario must hold in
both runs, and what each side prints (stdout and stderr) must be the same
in both, once timestamps, ports and descriptor numbers are replaced by
placeholders.

With --other-libc the C programs run on another C library than python3
(CMake found their strerror texts differ: a musl build beside a glibc
python3). An error message is strerror(errno) of the C library a program
runs on, in Python as in C, so then the words of "[Errno N] <words>" are
each side's own and are compared as "[Errno N] <strerror>": the errno
still must match. Resolver errors become "[Errno <gai>] <gai_strerror>",
as EAI_ numbers are each C library's own too (musl has no EAI_ADDRFAMILY
answer, for one). The scenario's expects are played with run_pair -l.

With --emulator=PROGRAM the C programs run through PROGRAM (wine, for a
Windows build: the Python programs run on the Linux side of the same
loopback).

A server given as "--server - 'PYTHON ARGS'" has no C version (example 13
talks to python3 -m http.server): it runs in both plays, with those
arguments after the Python interpreter, and its output, which is the same
program's log both times, is not compared.
"""
import ctypes
import difflib
import os
import re
import shlex
import subprocess
import sys

CTIME = re.compile(r'\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) '
                   r'(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) '
                   r'[ \d]\d \d\d:\d\d:\d\d \d{4}')
TUPLE_PORT = re.compile(r"\('([^']*)', \d+\)")
LISTENING = re.compile(r'listening on (\S+):\d+')
FD = re.compile(r'\bfd=\d+')
# Older Pythons print enum names in a socket's repr; 3.11 prints numbers.
ENUMS = [('family=AddressFamily.AF_INET6', 'family=10'),
         ('family=AddressFamily.AF_INET', 'family=2'),
         ('type=SocketKind.SOCK_STREAM', 'type=1'),
         ('type=SocketKind.SOCK_DGRAM', 'type=2')]


def normalise(text):
    text = CTIME.sub('<ctime>', text)
    text = TUPLE_PORT.sub(r"('\1', <port>)", text)
    text = LISTENING.sub(r'listening on \1:<port>', text)
    text = FD.sub('fd=<fd>', text)
    for old, new in ENUMS:
        text = text.replace(old, new)
    return text


ERRNO_MESSAGE = re.compile(r'\[Errno (-?\d+)\] ')


class Messages:
    """strerror and gai_strerror of one side's C library."""

    def __init__(self, strerror, gai_strerror):
        self.strerror = strerror
        self.gai_strerror = gai_strerror

    def normalise(self, text):
        out, pos = [], 0
        for m in ERRNO_MESSAGE.finditer(text):
            n = int(m.group(1))
            words = self.strerror(n) if n >= 0 else self.gai_strerror(n)
            if m.start() < pos or not text.startswith(words, m.end()):
                continue
            out.append(text[pos:m.start()])
            out.append('[Errno %d] <strerror>' % n if n >= 0
                       else '[Errno <gai>] <gai_strerror>')
            pos = m.end() + len(words)
        out.append(text[pos:])
        return ''.join(out)


def python_messages():
    libc = ctypes.CDLL(None)
    libc.gai_strerror.restype = ctypes.c_char_p
    libc.gai_strerror.argtypes = [ctypes.c_int]
    return Messages(os.strerror,
                    lambda n: libc.gai_strerror(n).decode())


def c_messages(runner):
    def ask(flag, n):
        return subprocess.run([runner, flag, str(n)], capture_output=True,
                              text=True, check=True).stdout.rstrip('\n')
    return Messages(lambda n: ask('-e', n), lambda n: ask('-g', n))


LOOSE = []  # ['-l'] with --other-libc


def play(runner, scenario, outdir, server, client):
    os.makedirs(outdir, exist_ok=True)
    cmd = [runner] + LOOSE + ['-o', outdir, scenario, '--'] + server
    if client:
        cmd += ['--'] + client
    print('$ ' + ' '.join(cmd), flush=True)
    return subprocess.call(cmd) == 0


def main(argv):
    other_libc = len(argv) > 1 and argv[1] == '--other-libc'
    if other_libc:
        argv = argv[:1] + argv[2:]
        LOOSE.append('-l')
    emulator = []
    if len(argv) > 1 and argv[1].startswith('--emulator='):
        emulator = [argv[1][len('--emulator='):]]
        argv = argv[:1] + argv[2:]
    if len(argv) < 5:
        sys.exit(__doc__)
    runner, scenario, workdir, mix = argv[1:5]
    progs = {}
    rest = argv[5:]
    while rest:
        if rest[0] not in ('--server', '--client') or len(rest) < 3:
            sys.exit(__doc__)
        progs[rest[0][2:]] = (rest[1], rest[2])
        rest = rest[3:]

    python = [sys.executable, '-u']

    def command(role, lang):
        if role not in progs:
            return []
        c_program, script = progs[role]
        if c_program == '-':
            return python + shlex.split(script)
        return emulator + [c_program] if lang == 'c' else python + [script]

    langs = {'c_server': ('c', 'py'), 'c_client': ('py', 'c'),
             'c': ('py', 'c')}
    if mix not in langs:
        sys.exit('unknown mix %r' % mix)
    server_lang, client_lang = langs[mix]

    # The Python programs print UTF-8 whatever the locale, as the C ones do.
    os.environ['PYTHONIOENCODING'] = 'utf-8'
    ref_dir = os.path.join(workdir, 'python')
    mix_dir = os.path.join(workdir, mix)
    print('== the Python programs together (the reference)', flush=True)
    if not play(runner, scenario, ref_dir, command('server', 'py'),
                command('client', 'py')):
        print('FAIL: the Python programs do not pass the scenario')
        return 1
    print('== %s' % {'c_server': 'the C server with the Python client',
                     'c_client': 'the Python server with the C client',
                     'c': 'the C program'}[mix], flush=True)
    if not play(runner, scenario, mix_dir, command('server', server_lang),
                command('client', client_lang)):
        print('FAIL: the mix does not pass the scenario')
        return 1

    failed = False
    py_words = python_messages() if other_libc else None
    c_words = c_messages(runner) if other_libc else None
    for role in ('server', 'client'):
        if role not in progs or progs[role][0] == '-':
            continue
        lang = server_lang if role == 'server' else client_lang
        for stream in ('out', 'err'):
            name = '%s.%s' % (role, stream)
            with open(os.path.join(ref_dir, name), encoding='utf-8',
                      errors='replace') as f:
                want = normalise(f.read())
            with open(os.path.join(mix_dir, name), encoding='utf-8',
                      errors='replace') as f:
                got = normalise(f.read())
            if other_libc:
                want = py_words.normalise(want)
                got = (c_words if lang == 'c' else py_words).normalise(got)
            if want != got:
                failed = True
                print('FAIL: the %s printed something else on std%s:'
                      % (role, stream))
                sys.stdout.writelines(difflib.unified_diff(
                    want.splitlines(True), got.splitlines(True),
                    'python/' + name, mix + '/' + name))
    if failed:
        return 1
    print('OK: both sides printed what the Python programs print')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
