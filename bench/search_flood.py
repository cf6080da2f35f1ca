"""Issue 14's search flood, against a running `make serve`: THREADS threads (32) search common words
on kept-alive connections for DURATION seconds (20) while one thread asks for /help/ every 100 ms on
a new connection; prints the searches answered and the probes' p50/p90/p99 (nearest rank).

    .venv/bin/python -m bench.search_flood [PORT [THREADS [DURATION [PATH]]]]

PATH floods another address instead ("/search/?q={q}" by default; "{q}" is the word)."""
import http.client
import math
import random
import sys
import threading
import time
from collections import Counter

ARGS = sys.argv[1:] if __name__ == "__main__" else []
PORT = int(ARGS[0]) if len(ARGS) > 0 else 8000
THREADS = int(ARGS[1]) if len(ARGS) > 1 else 32
DURATION = float(ARGS[2]) if len(ARGS) > 2 else 20
FLOOD = ARGS[3] if len(ARGS) > 3 else "/search/?q={q}"
WORDS = ["trust", "anxiety", "help", "feel", "sleep", "work", "family", "stress", "people", "relationships",
         "healing", "issues", "friends", "time", "life", "love"]
stop = 0.0
statuses = Counter()
lock = threading.Lock()


def connect():
    return http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)


def searcher(n: int) -> None:
    rnd = random.Random(n)
    conn = connect()
    while time.monotonic() < stop:
        q = rnd.choice(WORDS)
        try:
            conn.request("GET", FLOOD.format(q=q))
            r = conn.getresponse()
            r.read()
            with lock:
                statuses[r.status] += 1
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = connect()
        except Exception as exc:  # noqa: BLE001
            with lock:
                statuses[type(exc).__name__] += 1
            conn.close()
            conn = connect()


def prober(latencies: list[float]) -> None:
    while time.monotonic() < stop:
        conn = connect()
        start = time.monotonic()
        try:
            conn.request("GET", "/help/")
            r = conn.getresponse()
            r.read()
            latencies.append((time.monotonic() - start) * 1000)
            assert r.status == 200, r.status
        except Exception as exc:  # noqa: BLE001
            latencies.append(30000.0)
            print("probe failed", exc)
        finally:
            conn.close()
        time.sleep(0.1)


def main() -> None:
    global stop
    stop = time.monotonic() + DURATION
    latencies = []
    workers = [threading.Thread(target=searcher, args=(i,)) for i in range(THREADS)]
    probe = threading.Thread(target=prober, args=(latencies,))
    for t in workers:
        t.start()
    time.sleep(1)
    probe.start()
    for t in [*workers, probe]:
        t.join()
    lat = sorted(latencies)

    def pct(k):  # nearest rank
        return lat[max(0, min(len(lat) - 1, math.ceil(k / 100 * len(lat)) - 1))]

    total = sum(statuses.values())
    print(f"searches: {total} in {DURATION:.0f} s ({total / DURATION:.0f}/s) statuses {dict(statuses)}")
    print(f"/help/ probes: {len(lat)}  p50 {pct(50):.0f} ms  p90 {pct(90):.0f} ms  p99 {pct(99):.0f} ms  "
          f"max {lat[-1]:.0f} ms")


if __name__ == "__main__":
    main()
