"""Browses _http._tcp over mDNS with python-zeroconf, the library Pupil Labs' discovery uses,
and prints one line per Companion app found: zeroconf NAME|SERVER|PORT|ADDRESSES.

Run by CompanionMdnsMain inside a test's own network namespace; stops after the given seconds.
"""
import sys
import time

from zeroconf import ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

SERVICE_TYPE = "_http._tcp.local."


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    found = []
    zc = Zeroconf()

    def on_change(zeroconf, service_type, name, state_change):
        # Pupil Labs' client keeps the names whose first ':'-separated part is "PI monitor".
        if state_change is ServiceStateChange.Added and name.split(":")[0] == "PI monitor":
            found.append(name)

    browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[on_change])
    deadline = time.monotonic() + seconds
    while not found and time.monotonic() < deadline:
        time.sleep(0.05)
    for name in found:
        info = ServiceInfo(SERVICE_TYPE, name)
        if info.request(zc, 3000):
            addresses = ",".join(info.parsed_addresses())
            print(f"zeroconf {name}|{info.server}|{info.port}|{addresses}", flush=True)
        else:
            print(f"zeroconf-noinfo {name}", flush=True)
    browser.cancel()
    zc.close()
    return 0 if found else 3


if __name__ == "__main__":
    sys.exit(main())
