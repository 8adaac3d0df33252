"""The FastAPI app: the seed's /budget-efficiency, /metrics, health, and the /v1 JSON API.

Routes parse, authenticate, call ``Operations`` and return its view; nothing else.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, StrictBool

from kiki.api import inputs
from kiki.api.health import ServiceState
from kiki.api.http.errors import kiki_error, validation_error
from kiki.api.http.limits import BodySizeLimit
from kiki.api.operations import Operations, TwinAndValueOperations
from kiki.core.errors import InvalidInputError, KikiError
from kiki.core.platform import Platform
from kiki.tenancy.keys import Tenant

_bearer = HTTPBearer(auto_error=False, description="A tenant's API key: `kiki tenants create`")


class CycleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dry_run: StrictBool = False


class OpenClientRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    client_id: str


def _tenant(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Tenant:
    ops: Operations = request.app.state.ops
    header = f"{credentials.scheme} {credentials.credentials}" if credentials else None
    return ops.authenticate(header)


Caller = Annotated[Tenant, Depends(_tenant)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def create_app(ops: Operations, state: ServiceState) -> FastAPI:
    """The HTTP API over ``ops``; ``state`` answers the health probes."""
    api = FastAPI(
        title="KIKI",
        version="1",
        description="Move advertising money safely across six ad platforms.",
    )
    api.add_middleware(BodySizeLimit, max_bytes=ops.app.settings.max_body_bytes)
    api.add_exception_handler(KikiError, kiki_error)
    api.add_exception_handler(RequestValidationError, validation_error)

    api.state.ops = ops

    def changed(view: dict[str, Any], replayed: bool, status: int = 200) -> JSONResponse:
        headers = {"Idempotent-Replayed": "true"} if replayed else None
        return JSONResponse(view, status_code=status, headers=headers)

    @api.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "serving" if state.serving else "not_serving"}

    @api.get("/readyz", tags=["health"])
    def readyz() -> JSONResponse:
        checks = state.readiness()
        return JSONResponse(checks, status_code=200 if checks["ready"] else 503)

    @api.get("/metrics", tags=["health"])
    def metrics() -> Response:
        return Response(generate_latest(ops.app.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @api.get("/budget-efficiency", tags=["syncflow"])
    def budget_efficiency(caller: Caller, client_id: Annotated[str, Query()]) -> dict[str, Any]:
        """The seed's view: each platform's LTV, CAC, efficiency and budget (a dry run)."""
        return ops.budget_efficiency(caller, client_id)

    @api.get("/v1/clients", tags=["clients"])
    def list_clients(caller: Caller) -> dict[str, Any]:
        return ops.list_clients(caller)

    @api.post("/v1/clients", tags=["clients"], status_code=201)
    def open_client(
        caller: Caller, body: OpenClientRequest, key: IdempotencyKey = None
    ) -> JSONResponse:
        """Attach a new client to the caller's tenant, with six sandbox ad accounts."""
        view, replayed = ops.open_client(caller, body.client_id, key=_required(key))
        return changed(view, replayed, 201)

    @api.post("/v1/clients/{client_id}/cycles", tags=["syncflow"])
    def run_cycle(
        caller: Caller, client_id: str, body: CycleRequest, key: IdempotencyKey = None
    ) -> JSONResponse:
        """Run one optimisation cycle; ``dry_run`` plans only. Applying needs Idempotency-Key."""
        view, replayed = ops.run_cycle(caller, client_id, dry_run=body.dry_run, key=key)
        return changed(view, replayed)

    @api.get("/v1/clients/{client_id}/reallocations", tags=["syncflow"])
    def reallocations(caller: Caller, client_id: str) -> dict[str, Any]:
        return ops.reallocations(caller, client_id)

    @api.get("/v1/clients/{client_id}/settings", tags=["syncflow"])
    def get_settings(caller: Caller, client_id: str) -> dict[str, Any]:
        return ops.get_settings(caller, client_id)

    @api.patch("/v1/clients/{client_id}/settings", tags=["syncflow"])
    def change_settings(
        caller: Caller,
        client_id: str,
        body: Annotated[dict[str, Any], Body()],
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        """Change the given settings (threshold, percent, cooldown_s, allow, deny, limits)."""
        view, replayed = ops.change_settings(caller, client_id, body, key=key)
        return changed(view, replayed)

    twin = TwinAndValueOperations(ops)

    @api.post("/v1/clients/{client_id}/simulations", tags=["synctwin"])
    def simulate(
        caller: Caller, client_id: str, body: Annotated[dict[str, Any], Body()]
    ) -> dict[str, Any]:
        """Monte Carlo on ``strategy`` against ``baseline`` (default: the client's own)."""
        unknown = set(body) - {"strategy", "baseline", "seed"}
        if unknown:
            raise InvalidInputError(sorted(unknown)[0], "is not a known field")
        result = twin.simulate(
            caller,
            client_id,
            inputs.strategy(body.get("strategy")),
            inputs.baseline(body.get("baseline")),
            seed=inputs.seed(body.get("seed")),
        )
        return result.to_dict()

    @api.post("/v1/clients/{client_id}/launches", tags=["synctwin"])
    def launch(
        caller: Caller,
        client_id: str,
        body: Annotated[dict[str, Any], Body()],
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        """Simulate, then launch only if approved; a rejection answers approved=false."""
        view, replayed = twin.launch(
            caller, client_id, inputs.strategy(body.get("strategy")), key=key
        )
        return changed(view, replayed)

    @api.get("/v1/clients/{client_id}/ltv", tags=["syncvalue"])
    def ltv(
        caller: Caller,
        client_id: str,
        platform: str | None = None,
        lookback_days: Annotated[int, Query(gt=0, le=3650)] = 90,
        as_of: datetime | None = None,
    ) -> dict[str, Any]:
        chosen = None if platform is None else Platform.parse(platform)
        return twin.ltv(
            caller, client_id, platform=chosen, lookback_days=lookback_days, as_of=_aware(as_of)
        )

    @api.get("/v1/clients/{client_id}/baseline", tags=["syncvalue"])
    def baseline(
        caller: Caller,
        client_id: str,
        lookback_days: Annotated[int, Query(gt=0, le=3650)] = 90,
        as_of: datetime | None = None,
    ) -> dict[str, Any]:
        return twin.baseline(caller, client_id, lookback_days=lookback_days, as_of=_aware(as_of))

    return api


def _aware(moment: datetime | None) -> datetime | None:
    """A bare date-time means UTC, as SyncValue's CSV dates do."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _required(key: str | None) -> str:
    if key is None:
        raise InvalidInputError("Idempotency-Key", "is required for changes")
    return key
