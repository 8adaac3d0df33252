import secrets, tempfile, time, redis
import kiki.api.grpc.servicers as sv
from benchmarks.bench_mirror import build, batches, bench_grpc, REDIS_URL
prefix=f"bench:{secrets.token_hex(4)}:"
with tempfile.TemporaryDirectory() as w:
    h, extra = build(w, 1000, redis_url=REDIS_URL, redis_key_prefix=prefix)
    ev = batches(extra["projections"], 1+6*20)
    h.services.mirror_events(ev[0])
    k=1
    for rep in range(3):
        for la in (0, 2):
            sv._LOOKAHEAD = la
            n, s = bench_grpc(h, extra["key"], ev[k:k+20]); k+=20
            print("lookahead", la, round(n/s), "ev/s", flush=True)
    h.close()
c=redis.Redis()
for key in c.scan_iter(f"{prefix}*", count=10000): c.delete(key)
