"""bench/live_latency.py URL CLIENTS REQUESTS_EACH — API latency of a live
controller: CLIENTS concurrent HTTP/1.1 keep-alive connections (asyncio,
one process), each sending REQUESTS_EACH GETs of URL one after another;
prints p50 and p99 of the time from sending a request to reading its
whole answer (the target: p99 < 10 ms).  Loopback addresses only."""
import asyncio
import sys
import time
from urllib.parse import urlsplit


async def client(host, port, path, n, out):
    reader, writer = await asyncio.open_connection(host, port)
    req = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n" % (path, host, port)).encode()
    for _ in range(n):
        t0 = time.perf_counter()
        writer.write(req)
        await writer.drain()
        length = None
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.decode().partition(":")
            if k.lower() == "content-length":
                length = int(v)
        await reader.readexactly(length or 0)
        out.append(time.perf_counter() - t0)
    writer.close()


async def main(url, clients, each):
    u = urlsplit(url)
    assert u.hostname.startswith("127."), "loopback only"
    out = []
    await asyncio.gather(*(client(u.hostname, u.port, u.path, each, out) for _ in range(clients)))
    return sorted(out)


url, clients, each = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lat = asyncio.run(main(url, clients, each))
p = lambda q: 1000 * lat[min(len(lat) - 1, int(q * len(lat)))]
print("live API latency       GET /v2/apps (100 apps), %d concurrent clients, %d requests: p50 %.2f ms, p99 %.2f ms "
      "(target p99 < 10 ms)  %s" % (clients, len(lat), p(0.5), p(0.99), "ok" if p(0.99) < 10 else "MISSED"))
