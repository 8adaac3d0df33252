"""The FastAPI app: the seed's /budget-efficiency, /metrics, health, and the /v1 JSON API.

Routes parse, authenticate, call ``TenantServices`` once and render the typed result with its
one JSON view (``kiki.views``); nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, StrictBool

from kiki.api.health import ServiceState
from kiki.api.http.bodies import LaunchBody, SimulationBody, json_object, publish, request_body
from kiki.api.http.errors import install_error_handlers
from kiki.api.http.limits import BodySizeLimit
from kiki.application import inputs
from kiki.application.tenancy import TenantServices
from kiki.core.errors import InvalidInputError
from kiki.core.platform import Platform
from kiki.tenancy.keys import Tenant
from kiki.views import campaigns as campaign_views
from kiki.views import flow, gate, money, twin, value
from kiki.views import platforms as platform_views

_bearer = HTTPBearer(auto_error=False, description="A tenant's API key: `kiki tenants create`")


class CycleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dry_run: StrictBool = False


class OpenClientRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    client_id: str


class ConnectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    adapter: str
    account: str
    credentials: str | None = None


class ReasonRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = None


CampaignChangeRequest = ReasonRequest


async def _tenant(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Tenant:
    # On the event loop: one indexed read costs less than a hop to the thread pool.
    tenancy: TenantServices = request.app.state.tenancy
    header = f"{credentials.scheme} {credentials.credentials}" if credentials else None
    return tenancy.authenticate(header)


Caller = Annotated[Tenant, Depends(_tenant)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
JsonObject = Annotated[dict[str, Any], Depends(json_object)]  # its schema: openapi_extra


def create_app(tenancy: TenantServices, state: ServiceState) -> FastAPI:
    """The HTTP API over ``tenancy``; ``state`` answers the health probes."""
    api = FastAPI(
        title="KIKI",
        version="1",
        description="Move advertising money safely across six ad platforms.",
    )
    services = tenancy.services
    api.add_middleware(BodySizeLimit, max_bytes=services.ports.settings.max_body_bytes)
    install_error_handlers(api)

    api.state.tenancy = tenancy
    _publish_schemas(api)

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
        body, content_type = services.ports.metrics.render()
        return Response(body, media_type=content_type)

    @api.get("/budget-efficiency", tags=["syncflow"], response_model=None)
    async def budget_efficiency(
        caller: Caller,
        client_id: Annotated[str, Query()],
        refresh: Annotated[bool, Query()] = False,
    ) -> JSONResponse:
        """The seed's view: each platform's LTV, CAC, efficiency and budget, as the latest cycle
        read them (``read_at``, ``age_s``); ``refresh=true`` reads the platforms now."""
        # The recorded reading is two indexed reads, served on the event loop (the thread
        # pool's hop cost more than the work); reading the platforms goes to the pool.
        report = None if refresh else tenancy.latest_efficiency(caller, client_id)
        if report is None:
            report = await run_in_threadpool(
                lambda: tenancy.efficiency(caller, client_id, refresh=True)
            )
        reading = report.reading
        note = services.left_out_note(reading.client_id, reading.plan, reading.at)
        return JSONResponse(flow.budget_efficiency(report, note=note))

    @api.get("/v1/clients", tags=["clients"])
    def list_clients(caller: Caller) -> dict[str, Any]:
        """The tenant's clients, and the state of each (ACTIVE, PAUSED or STUCK)."""
        states = tenancy.client_states(caller)
        return {
            "clients": [s.client_id for s in states],
            "states": [money.client_state(s) for s in states],
        }

    @api.get("/v1/clients/{client_id}/state", tags=["clients"])
    def client_state(caller: Caller, client_id: str) -> dict[str, Any]:
        """What is where: the state, pending shifts, platform budgets now, ledger balances."""
        return money.client_view(tenancy.client_view(caller, client_id))

    @api.post("/v1/clients/{client_id}/pause", tags=["clients"])
    def pause_client(
        caller: Caller, client_id: str, body: ReasonRequest, key: IdempotencyKey = None
    ) -> JSONResponse:
        """Stop moving the client's money until resumed (audited)."""
        status, replayed = tenancy.pause_client(caller, client_id, note=body.reason, key=key)
        return changed(money.client_state(status), replayed)

    @api.post("/v1/clients/{client_id}/resume", tags=["clients"])
    def resume_client(
        caller: Caller, client_id: str, body: ReasonRequest, key: IdempotencyKey = None
    ) -> JSONResponse:
        """Move the client's money again; a STUCK client resumes only when its platforms
        explain every pending shift (409 client_stuck otherwise)."""
        status, replayed = tenancy.resume_client(caller, client_id, note=body.reason, key=key)
        return changed(money.client_state(status), replayed)

    @api.post("/v1/clients", tags=["clients"], status_code=201)
    def open_client(
        caller: Caller, body: OpenClientRequest, key: IdempotencyKey = None
    ) -> JSONResponse:
        """Attach a new client to the caller's tenant, with six sandbox ad accounts."""
        result, replayed = tenancy.attach_client(caller, body.client_id, key=_required(key))
        view = {"client_id": result.client_id, "platforms": [p.value for p in result.platforms]}
        return changed(view, replayed, 201)

    @api.post("/v1/clients/{client_id}/cycles", tags=["syncflow"])
    def run_cycle(
        caller: Caller, client_id: str, body: CycleRequest, key: IdempotencyKey = None
    ) -> JSONResponse:
        """Run one optimisation cycle; ``dry_run`` plans only. Applying needs Idempotency-Key."""
        report, replayed = tenancy.run_cycle(caller, client_id, dry_run=body.dry_run, key=key)
        note = services.left_out_note(report.client_id, report.plan, report.at)
        return changed(flow.cycle(report, note=note), replayed)

    @api.get("/v1/clients/{client_id}/reallocations", tags=["syncflow"])
    def reallocations(caller: Caller, client_id: str) -> dict[str, Any]:
        shifts = tenancy.reallocations(caller, client_id)
        return {"client_id": client_id, "reallocations": [flow.shift(s) for s in shifts]}

    @api.get("/v1/clients/{client_id}/settings", tags=["syncflow"])
    def get_settings(caller: Caller, client_id: str) -> dict[str, Any]:
        return flow.settings(tenancy.settings(caller, client_id))

    @api.patch("/v1/clients/{client_id}/settings", tags=["syncflow"])
    def change_settings(
        caller: Caller,
        client_id: str,
        body: Annotated[dict[str, Any], Body()],
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        """Change the given settings (efficiency_threshold, reallocation_percent, cooldown_s,
        allow, deny, limits); the rest are kept. Audited."""
        result, replayed = tenancy.change_settings(caller, client_id, body, key=key)
        return changed(flow.settings(result), replayed)

    _twin_and_value_routes(api, tenancy, changed)
    _campaign_routes(api, tenancy, changed)
    _platform_routes(api, tenancy, changed)
    _gate_routes(api, tenancy, changed)
    return api


Changed = Callable[..., JSONResponse]


def _publish_schemas(api: FastAPI) -> None:
    """The OpenAPI document with the bodies the routes parse themselves and the error shape."""
    generate = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = publish(generate())
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]


def _twin_and_value_routes(api: FastAPI, tenancy: TenantServices, changed: Changed) -> None:
    @api.post(
        "/v1/clients/{client_id}/simulations",
        tags=["synctwin"],
        openapi_extra=request_body(SimulationBody),
    )
    def simulate(caller: Caller, client_id: str, body: JsonObject) -> dict[str, Any]:
        """Monte Carlo on ``strategy`` against ``baseline`` (default: the client's own)."""
        unknown = set(body) - {"strategy", "baseline", "seed"}
        if unknown:
            raise InvalidInputError(sorted(unknown)[0], "is not a known field")
        result = tenancy.simulate(
            caller,
            client_id,
            inputs.strategy(body.get("strategy")),
            inputs.baseline(body.get("baseline")),
            seed=inputs.seed(body.get("seed")),
        )
        return twin.simulation(result)

    @api.post(
        "/v1/clients/{client_id}/launches",
        tags=["synctwin"],
        openapi_extra=request_body(LaunchBody),
    )
    def launch(
        caller: Caller, client_id: str, body: JsonObject, key: IdempotencyKey = None
    ) -> JSONResponse:
        """Simulate, then launch only if approved; a rejection answers approved=false."""
        outcome, replayed = tenancy.launch(
            caller, client_id, inputs.strategy(body.get("strategy")), key=key
        )
        return changed(twin.launch(outcome), replayed)

    @api.get("/v1/clients/{client_id}/ltv", tags=["syncvalue"])
    def ltv(
        caller: Caller,
        client_id: str,
        platform: str | None = None,
        lookback_days: Annotated[int, Query(gt=0, le=3650)] = 90,
        as_of: datetime | None = None,
    ) -> dict[str, Any]:
        chosen = None if platform is None else Platform.parse(platform)
        answer = tenancy.value_report(
            caller,
            client_id,
            lookback_days=lookback_days,
            as_of=inputs.instant(as_of, field="as_of"),
        )
        return value.ltv(answer, platform=chosen)

    @api.get("/v1/clients/{client_id}/baseline", tags=["syncvalue"])
    def baseline(
        caller: Caller,
        client_id: str,
        lookback_days: Annotated[int, Query(gt=0, le=3650)] = 90,
        as_of: datetime | None = None,
    ) -> dict[str, Any]:
        result = tenancy.value_baseline(
            caller,
            client_id,
            lookback_days=lookback_days,
            as_of=inputs.instant(as_of, field="as_of"),
        )
        return value.baseline(result)


def _campaign_routes(api: FastAPI, tenancy: TenantServices, changed: Changed) -> None:
    @api.get("/v1/clients/{client_id}/campaigns", tags=["campaigns"])
    def list_campaigns(caller: Caller, client_id: str) -> dict[str, Any]:
        """The client's campaigns as the platforms report them, with KIKI's pause reasons."""
        found = tenancy.campaigns(caller, client_id)
        return {
            "client_id": client_id,
            "campaigns": [campaign_views.campaign(c) for c in found.campaigns],
            "stale": {p.value: why for (_, p), why in found.stale.items()},
        }

    @api.post("/v1/clients/{client_id}/campaigns/{campaign_id}/pause", tags=["campaigns"])
    def pause_campaign(
        caller: Caller,
        client_id: str,
        campaign_id: str,
        body: CampaignChangeRequest,
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        """Pause a campaign by hand (reason MANUAL, your text kept as the note); audited."""
        result, replayed = tenancy.pause_campaign(
            caller, client_id, campaign_id, note=body.reason, key=key
        )
        return changed(campaign_views.campaign(result), replayed)

    @api.post("/v1/clients/{client_id}/campaigns/{campaign_id}/resume", tags=["campaigns"])
    def resume_campaign(
        caller: Caller,
        client_id: str,
        campaign_id: str,
        body: CampaignChangeRequest,
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        """Resume a paused campaign; audited."""
        result, replayed = tenancy.resume_campaign(
            caller, client_id, campaign_id, note=body.reason, key=key
        )
        return changed(campaign_views.campaign(result), replayed)


def _platform_routes(api: FastAPI, tenancy: TenantServices, changed: Changed) -> None:
    @api.get("/v1/clients/{client_id}/platforms", tags=["platforms"])
    def list_connections(caller: Caller, client_id: str) -> list[dict[str, Any]]:
        """The client's platform connections; the others use the default adapter."""
        return platform_views.connections(tenancy.connections(caller, client_id))

    @api.put("/v1/clients/{client_id}/platforms/{platform}", tags=["platforms"])
    def connect_platform(
        caller: Caller,
        client_id: str,
        platform: str,
        body: ConnectRequest,
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        """Serve the client's platform through ``adapter`` on ``account``; audited."""
        result, replayed = tenancy.connect(
            caller,
            client_id,
            platform,
            adapter=body.adapter,
            account=body.account,
            credentials=body.credentials,
            key=key,
        )
        view = platform_views.connection(result.connection)
        return changed(view | {"replaced": result.replaced is not None}, replayed)

    @api.delete("/v1/clients/{client_id}/platforms/{platform}", tags=["platforms"])
    def disconnect_platform(
        caller: Caller, client_id: str, platform: str, key: IdempotencyKey = None
    ) -> JSONResponse:
        """Forget the connection: the platform goes back to the default adapter; audited."""
        result, replayed = tenancy.disconnect(caller, client_id, platform, key=key)
        return changed(platform_views.connection(result), replayed)

    @api.get("/v1/clients/{client_id}/platforms/check", tags=["platforms"])
    def check_platforms(caller: Caller, client_id: str) -> dict[str, Any]:
        """Each connected account read once: what it holds, or why it cannot be read."""
        return platform_views.check(tenancy.check_platforms(caller, client_id))


def _gate_routes(api: FastAPI, tenancy: TenantServices, changed: Changed) -> None:
    @api.get("/v1/clients/{client_id}/gate/calibration", tags=["synctwin"])
    def gate_calibration(caller: Caller, client_id: str) -> dict[str, Any]:
        """Is the gate's confidence a probability? Reliability table (ten bins, 95 % Wilson),
        Brier score, log loss and ECE over the client's decisions with outcomes."""
        return gate.calibration(tenancy.gate_calibration(caller, client_id))

    @api.get("/v1/clients/{client_id}/gate/tuning", tags=["synctwin"])
    def gate_tuning(caller: Caller, client_id: str) -> dict[str, Any]:
        """Every cut point's FN and FP rates and money, and the recommended threshold or why
        none (``refusals``); changes nothing."""
        return gate.tuning(tenancy.gate_tuning(caller, client_id))

    @api.get("/v1/clients/{client_id}/gate/review", tags=["synctwin"])
    def gate_review(
        caller: Caller, client_id: str, since: Annotated[str | None, Query()] = None
    ) -> dict[str, Any]:
        """The campaigns rejected since ``since`` (``7d`` by default, ``24h``, ``2w`` or an ISO
        date), the trailing FN/FP rates against the targets and the recommendation."""
        return gate.review(tenancy.gate_review(caller, client_id, since=since))

    @api.post("/v1/clients/{client_id}/gate/thresholds", tags=["synctwin"])
    def apply_gate_threshold(
        caller: Caller, client_id: str, key: IdempotencyKey = None
    ) -> JSONResponse:
        """Store the recommended threshold for the client (audited GATE_THRESHOLD_CHANGED); a
        refusal (too few outcomes, no threshold meeting the targets) answers status REFUSED
        and changes nothing. Needs an Idempotency-Key."""
        change, replayed = tenancy.apply_gate_threshold(caller, client_id, key=key)
        return changed(gate.threshold_change(change), replayed)


def _required(key: str | None) -> str:
    if key is None:
        raise InvalidInputError("Idempotency-Key", "is required for changes")
    return key
