"""Slow and half-open clients against a running server, with /help/ probed meanwhile.

    python -m bench.slow_clients PORT [SLOW] [HALF] [SECONDS]

Holds SLOW connections (100) each sending a POST whose body (Content-Length 1,000, with a CSRF
cookie so that the site would read it) comes one byte every 2 s, and HALF connections (900) that
send part of a request head and then nothing; any the server closes is opened again, so the
numbers hold. Meanwhile another process asks for /help/ on a new connection every 0.2 s for
SECONDS (40) and prints how many answered, their p50, p95 and slowest, and the errors. Needs
`ulimit -n` above SLOW + HALF. Issue 14's finding 4: `make serve` answered 4 probes in 40 s behind
40 slow bodies before the worker read bodies ahead (serving/gunicorn_worker.py)."""

from __future__ import annotations

import asyncio
import collections
import http.client
import multiprocessing
import sys
import time

SLOW_HEAD = (b"POST /contact/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
             b"Cookie: csrftoken=abcdefghijklmnopqrstuvwxyz012345\r\nContent-Length: 1000\r\n\r\n")
HALF_HEAD = b"GET /help/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


async def hold(port: int, kind: str, until: float, outcomes: collections.Counter) -> None:
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            outcomes[f"{kind}: could not connect"] += 1
            await asyncio.sleep(0.5)
            continue
        try:
            writer.write(SLOW_HEAD if kind == "slow" else HALF_HEAD)
            await writer.drain()
            answer = asyncio.ensure_future(reader.read(100))
            while time.monotonic() < until:
                done, _ = await asyncio.wait([answer], timeout=2)
                if done:
                    status = answer.result()[9:12].decode() or "closed"
                    outcomes[f"{kind}: {status}"] += 1
                    break
                if kind == "slow":
                    writer.write(b"x")
                    await writer.drain()
            answer.cancel()
        except OSError:
            outcomes[f"{kind}: reset"] += 1
        finally:
            writer.close()


def hold_all(port: int, slow: int, half: int, seconds: float) -> None:
    outcomes: collections.Counter = collections.Counter()
    until = time.monotonic() + seconds

    async def main() -> None:
        await asyncio.gather(*(hold(port, "slow", until, outcomes) for _ in range(slow)),
                             *(hold(port, "half", until, outcomes) for _ in range(half)))

    asyncio.run(main())
    print("how the held connections ended:", dict(outcomes), flush=True)


def probe(port: int, seconds: float) -> str:
    times: list[float] = []
    errors: collections.Counter = collections.Counter()
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            conn.request("GET", "/help/", headers={"Connection": "close"})
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status == 200 and b"tel:" in body:
                times.append(time.monotonic() - started)
            else:
                errors[str(response.status)] += 1
        except Exception as exc:  # a timeout or a refused connection is what is being measured
            errors[type(exc).__name__] += 1
        time.sleep(max(0.0, 0.2 - (time.monotonic() - started)))
    times.sort()

    def ms(q: float) -> str:
        return f"{times[min(len(times) - 1, int(q * len(times)))] * 1000:.0f} ms" if times else "-"

    return (f"/help/: {len(times) + sum(errors.values())} probes in {seconds:g} s, {len(times)} answered, "
            f"p50 {ms(0.5)}, p95 {ms(0.95)}, slowest {ms(1.0)}; errors {dict(errors) or 'none'}")


def main(argv: list[str]) -> None:
    port = int(argv[0])
    slow, half, seconds = (int(argv[1]) if len(argv) > 1 else 100, int(argv[2]) if len(argv) > 2 else 900,
                           float(argv[3]) if len(argv) > 3 else 40)
    holder = multiprocessing.Process(target=hold_all, args=(port, slow, half, seconds + 10))
    holder.start()
    time.sleep(5)  # every connection open and stalled before the first probe
    print(probe(port, seconds), flush=True)
    holder.join()


if __name__ == "__main__":
    main(sys.argv[1:])
