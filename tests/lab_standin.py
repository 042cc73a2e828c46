"""A stand-in for the tutor in the lab tests, taking the same arguments.

It says what it was given (user, terminal, whether the pty is its controlling
terminal), tells its window size on every SIGWINCH, echoes each key as hex, and
obeys a few keys: q quits (status 0), x crashes (status 3), g starts a grandchild
that ignores SIGHUP, s makes itself deaf to SIGHUP and SIGTERM.
"""

import argparse
import fcntl
import os
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


def size() -> str:
    rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(0, termios.TIOCGWINSZ, b"\0" * 8))
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
    if b"s" in data:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        say("DEAF")
