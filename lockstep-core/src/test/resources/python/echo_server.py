#!/usr/bin/env python3
"""Independent Time Echo server (Python 3 standard library only), used by Lockstep's tests to
prove the Java client against a second implementation. For every 8 bytes received it answers
those 8 bytes and its own time in ms (truncated, as the Companion app does), big-endian.
Usage: echo_server.py OFFSET_MS [SECONDS]. Listens on 127.0.0.1, port chosen by the OS, prints
"port N" on stdout, and exits by itself after SECONDS (default 30)."""
import socket
import socketserver
import struct
import sys
import threading
import time

OFFSET_NS = int(float(sys.argv[1]) * 1_000_000) if len(sys.argv) > 1 else 0
LIFETIME_S = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = b""
        while True:
            data = self.request.recv(4096)
            if not data:
                return
            pending += data
            while len(pending) >= 8:
                request, pending = pending[:8], pending[8:]
                server_ms = (time.time_ns() + OFFSET_NS) // 1_000_000
                self.request.sendall(request + struct.pack(">Q", server_ms))


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    with Server(("127.0.0.1", 0), Handler) as server:
        print("port", server.server_address[1], flush=True)
        threading.Timer(LIFETIME_S, server.shutdown).start()
        server.serve_forever()


if __name__ == "__main__":
    main()
