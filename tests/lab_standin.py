"""A stand-in for the tutor in the lab tests, taking the same arguments.

It says what it was given (user, terminal, whether the pty is its controlling
terminal), tells its window size on every SIGWINCH, echoes each key as hex, and
obeys a few keys: q quits (status 0), x crashes (status 3), g starts a grandchild
that ignores SIGHUP, s makes itself deaf to SIGHUP and SIGTERM, e tells its
environment's names, r its resource limits, n whether numpy imports (and from
where), f floods its terminal with 32 MiB. Like a real TUI it keeps a screen
buffer per cell (64 bytes each, written), remade at each resize; one over
256 MiB it does not even try: it says so and exits 4.
"""

import argparse
import fcntl
import os
import resource
import signal
import struct
import subprocess
import sys
import termios
import tty

parser = argparse.ArgumentParser()
parser.add_argument("--data-dir")
parser.add_argument("--user")
parser.add_argument("--lab", action="store_true")
args = parser.parse_args()


def say(text: str) -> None:
    os.write(1, (text + "\r\n").encode())


screen = b""


def size() -> str:
    global screen
    rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(0, termios.TIOCGWINSZ, b"\0" * 8))
    if cols * rows * 64 > 256 << 20:
        say(f"SCREEN TOO BIG {cols}x{rows}")
        os._exit(4)
    screen = b" " * (cols * rows * 64)
    return f"{cols}x{rows}"


def on_term(*_):
    say("GOT SIGTERM")
    sys.exit(0)


ctty = os.tcgetpgrp(0) == os.getpgrp() and os.getsid(0) == os.getpid()
env = " ".join(f"{k}={os.environ.get(k, '-')}" for k in ("TERM", "LANG", "LC_ALL", "COLORTERM", "COLUMNS", "LINES"))
signal.signal(signal.SIGWINCH, lambda *_: say(f"SIZE {size()}"))
signal.signal(signal.SIGTERM, on_term)
tty.setraw(0)
say(f"READY user={args.user} pid={os.getpid()} size={size()} ctty={ctty} lab={args.lab} {env} "
    f"data={args.data_dir}")
while True:
    data = os.read(0, 1024)
    if not data:
        break
    say(f"KEY {data.hex()}")
    if b"q" in data:
        say("BYE")
        sys.exit(0)
    if b"x" in data:
        say("Traceback: ZeroDivisionError: the stand-in crashed on purpose")
        os._exit(3)
    if b"g" in data:
        sleeper = "import signal, time; signal.signal(signal.SIGHUP, signal.SIG_IGN); time.sleep(300)"
        child = subprocess.Popen([sys.executable, "-c", sleeper], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        say(f"GRANDCHILD {child.pid}")
    if b"e" in data:
        say("ENV " + ",".join(sorted(os.environ)))
    if b"r" in data:
        say(f"LIMITS as={resource.getrlimit(resource.RLIMIT_AS)[1]} "
            f"fsize={resource.getrlimit(resource.RLIMIT_FSIZE)[1]}")
    if b"n" in data:
        try:
            import numpy
            say(f"NUMPY ok {numpy.__file__}")
        except Exception as e:  # noqa: BLE001
            say(f"NUMPY failed {e!r}")
    if b"f" in data:
        for _ in range(32 * 16):
            os.write(1, b"F" * 65535 + b"\n")
        say("FLOODED")
    if b"s" in data:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        say("DEAF")
