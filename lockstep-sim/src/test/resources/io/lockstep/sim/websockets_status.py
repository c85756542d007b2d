"""Reads the stand-in Companion app's /api/status WebSocket with Python's websockets library, the
one Pupil Labs' client uses, pinging twice a second as a strict client would: prints the models
of the first messages, starts a recording over HTTP, waits for its START, lets pings run, cancels
and prints the actions that follow. Run by CompanionPythonWebSocketTest; arguments HOST PORT.
"""
import asyncio
import json
import sys
import urllib.request

import websockets


def post(host, port, path):
    request = urllib.request.Request(f"http://{host}:{port}/api/{path}", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


async def main(host, port):
    url = f"ws://{host}:{port}/api/status"
    async with websockets.connect(url, ping_interval=None, open_timeout=30) as ws:
        models = [json.loads(await asyncio.wait_for(ws.recv(), 30))["model"] for _ in range(12)]
        print("initial " + ",".join(models), flush=True)
        rec_id = post(host, port, "recording:start")["result"]["id"]
        start = json.loads(await asyncio.wait_for(ws.recv(), 30))
        print(f"update {start['model']} {start['data']['action']} {start['data']['id'] == rec_id}", flush=True)
        for i in range(3):
            pong = await ws.ping(f"probe {i}".encode())
            await asyncio.wait_for(pong, 30)  # generous on a busy machine; an unanswered ping fails here
        print("pongs 3", flush=True)
        post(host, port, "recording:cancel")
        for _ in range(2):
            update = json.loads(await asyncio.wait_for(ws.recv(), 30))
            print(f"update {update['model']} {update['data']['action']}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
