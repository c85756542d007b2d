#!/usr/bin/env python3
"""Independent Time Echo client (Python 3 standard library only), used by Lockstep's tests to
prove wire compatibility with the Java server. Written from the protocol description: send the
local time in ms as a big-endian uint64, read 16 bytes (echo + server ms). Prints one JSON line:
{"samples", "dropped", "offset_ms_mean", "offset_ms_median", "roundtrip_ms_mean"}, where
offset = local - server (ms), the Pupil Labs sign."""
import json
import socket
import statistics
import struct
import sys
import time


def now_ms():
    return time.time_ns() // 1_000_000


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            break
        buf += chunk
    return buf


def main():
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 100
    offsets, round_trips, dropped = [], [], 0
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(count + 1):
            before = now_ms()
            sock.sendall(struct.pack(">Q", before))
            reply = read_exact(sock, 16)
            after = now_ms()
            if len(reply) != 16:
                dropped += 1
                continue
            echoed, server = struct.unpack(">QQ", reply)
            if echoed != before:
                dropped += 1
                continue
            if i == 0:
                continue  # warm-up exchange, discarded
            offsets.append((before + after) / 2 - server)
            round_trips.append(after - before)
    print(json.dumps({
        "samples": len(offsets),
        "dropped": dropped,
        "offset_ms_mean": statistics.mean(offsets),
        "offset_ms_median": statistics.median(offsets),
        "roundtrip_ms_mean": statistics.mean(round_trips),
    }))


if __name__ == "__main__":
    main()
