"""The yardstick for ``bench_service``: a FastAPI endpoint that does nothing, served exactly as
``kiki serve`` serves its API (one uvicorn worker, an async route on the event loop as
``/budget-efficiency`` is, lifespan off, warnings only), on a free port it prints once ready."""

from __future__ import annotations

import sys
import threading

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
async def ping() -> dict[str, bool]:
    return {"ok": True}


def main() -> None:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    sys.stdout.write(f"trivial: http://127.0.0.1:{port}\n")
    sys.stdout.flush()
    thread.join()


if __name__ == "__main__":
    main()
