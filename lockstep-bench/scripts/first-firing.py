#!/usr/bin/python3
"""First firing of freshly started agents, judged from outside Lockstep.

Starts one `lockstep serve` (the reference: this host's clock) and N fresh `lockstep agent`
processes with simulated clocks (offsets -1.5 s ... +2 s, drifts +-20 ppm), each with one `line`
action whose program is a small recorder (this file, --record) that stamps every line it reads
with this host's clock (time.time_ns()). Waits until every agent is SYNCED, fires
`fleet fire fire --in 2s --every 1s --count K`, and prints the true spread of each firing
(latest minus earliest recorder stamp): all recorders run on this host and stamp its clock, so
no agent's simulated clock needs correcting; the reference is this host's clock too, so the
error against the instant is the stamp minus the instant. The recorder's own wake-up latency
(tens of us) is in every stamp alike.

  lockstep-bench/scripts/first-firing.py [--agents 4] [--count 4] [--runs 1] [--json]
"""
import argparse, json, os, signal, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
LOCKSTEP = os.path.join(HERE, "..", "..", "lockstep")
OFFSETS_MS = [-1500, 2000, 350, -800, 1200, -250, 1700, -1100]
DRIFTS_PPM = [20, -20, 7.5, -12, 15, -5, 18, -17]


def record(out_path):
    with open(out_path, "a", buffering=1) as out:
        stdin = sys.stdin.buffer
        while True:
            line = stdin.readline()
            t = time.time_ns()
            if not line:
                return
            out.write("%d %s\n" % (t, line.decode().strip()))


def read_line(p, prefix, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = p.stdout.readline()
        if not line:
            raise SystemExit("process ended before printing " + prefix)
        if line.startswith(prefix):
            return line.split()[1]
    raise SystemExit("no " + prefix + " line")


def status(addr):
    with urllib.request.urlopen("http://%s/api/status" % addr, timeout=5) as r:
        return json.load(r)


def one_run(args, work):
    procs = []
    try:
        serve = subprocess.Popen([LOCKSTEP, "serve", "--ntp-port", "0", "--echo-port", "0"], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True)
        procs.append(serve)
        ntp = read_line(serve, "ntp ")
        key = os.path.join(work, "fleet.key")
        if not os.path.exists(key):
            subprocess.run([LOCKSTEP, "fleet", "keygen", "--out", key], check=True, stdout=subprocess.DEVNULL)
        agents = []
        for i in range(args.agents):
            rec = os.path.join(work, "rec-%d.txt" % i)
            if os.path.exists(rec):
                os.remove(rec)
            actions = os.path.join(work, "actions-%d.txt" % i)
            with open(actions, "w") as f:
                f.write("fire line /usr/bin/python3 %s --record %s\n" % (os.path.abspath(__file__), rec))
            a = subprocess.Popen([LOCKSTEP, "agent", "--reference", "ntp://" + ntp, "--name", "a%d" % i,
                                  "--http", "127.0.0.1:0", "--no-dnssd", "--key", key, "--actions", actions,
                                  "--simulate-offset", "%dms" % OFFSETS_MS[i % 8],
                                  "--simulate-drift", str(DRIFTS_PPM[i % 8])],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE if args.quiet else None, text=True)
            procs.append(a)
            agents.append((a, rec))
        addrs = [read_line(a, "http ") for a, _ in agents]
        fleet = os.path.join(work, "fleet.txt")
        with open(fleet, "w") as f:
            for i, addr in enumerate(addrs):
                f.write("a%d agent://%s\n" % (i, addr))
        deadline = time.time() + 120
        while not all(status(x).get("state") == "SYNCED" for x in addrs):
            if time.time() > deadline:
                raise SystemExit("agents not SYNCED within 120 s")
            time.sleep(0.2)
        synced_at = time.time()
        fire = subprocess.run([LOCKSTEP, "fleet", "fire", "fire", "--in", "2s", "--every", "1s", "--count",
                               str(args.count), "--key", key, "--devices", fleet, "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        report = json.loads(fire.stdout.strip().splitlines()[-1]) if fire.stdout.strip() else {}
        time.sleep(0.5)
        stamps = []  # per agent: {index: host ns}
        instants = {}
        for _, rec in agents:
            got = {}
            if os.path.exists(rec):
                for line in open(rec):
                    t, _action, _id, due, index = line.split()
                    got[int(index)] = int(t)
                    instants[int(index)] = int(due)
            stamps.append(got)
        firings = []
        for k in range(args.count):
            ts = [s[k] for s in stamps if k in s]
            firings.append({"index": k, "acted": len(ts), "spread_ns": (max(ts) - min(ts)) if ts else None,
                            "error_ns": [t - instants[k] for t in ts] if ts else []})
        reported = []
        host_walls = {}
        for d in report.get("devices", []):
            for f in d.get("firings", []):
                if f.get("host_wall_ns") is not None:
                    host_walls.setdefault(f.get("index"), []).append(f["host_wall_ns"])
        for f in firings:
            hw = host_walls.get(f["index"], [])
            f["host_wall_spread_ns"] = (max(hw) - min(hw)) if hw else None
        for d in report.get("devices", []):
            for f in d.get("firings", []):
                if f.get("index") == 0:
                    reported.append({"device": d.get("name"), "lateness_ns": f.get("lateness_ns"),
                                     "action_ns": f.get("action_ns"), "error_bound_ns": f.get("error_bound_ns")})
        return {"synced_s": round(synced_at - time.time(), 1), "firings": firings, "first_reports": reported,
                "fire_exit": fire.returncode}
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--record":
        record(sys.argv[2])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--agents", type=int, default=4)
    ap.add_argument("--count", type=int, default=4)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--quiet", action="store_true", help="hide the agents' stderr")
    args = ap.parse_args()
    print("first firing of %d fresh agents, %d firings 1 s apart, %d run(s); load %s" % (
        args.agents, args.count, args.runs, open("/proc/loadavg").read().strip()))
    results = []
    for r in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="lockstep-first-firing") as work:
            res = one_run(args, work)
        results.append(res)
        spreads = ["%.3f" % (f["spread_ns"] / 1e6) if f["spread_ns"] is not None else "-" for f in res["firings"]]
        late = ["%.3f/%.3f" % (x["lateness_ns"] / 1e6, (x["action_ns"] or 0) / 1e6) for x in res["first_reports"]
                if x["lateness_ns"] is not None]
        hws = ["%.3f" % (f["host_wall_spread_ns"] / 1e6) if f["host_wall_spread_ns"] is not None else "-"
               for f in res["firings"]]
        print("run %d: true spread per firing (ms): %s | agents' own host_wall_ns spread: %s"
              " | first firing lateness/action_ns per agent (ms): %s" % (r + 1, " ".join(spreads), " ".join(hws),
                                                                        " ".join(late)))
        sys.stdout.flush()
    firsts = [r["firings"][0]["spread_ns"] for r in results if r["firings"][0]["spread_ns"] is not None]
    later = [f["spread_ns"] for r in results for f in r["firings"][1:] if f["spread_ns"] is not None]
    print("first firing true spread: max %.3f ms over %d runs; later firings max %.3f ms; load %s" % (
        max(firsts) / 1e6 if firsts else float("nan"), len(firsts), max(later) / 1e6 if later else float("nan"),
        open("/proc/loadavg").read().strip()))
    if args.json:
        print(json.dumps({"runs": results}))


if __name__ == "__main__":
    main()
