"""Build the gRPC server: the kiki.v1 services behind API-key auth, health and reflection."""

from __future__ import annotations

from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from kiki.api.grpc.auth import ApiKeyInterceptor
from kiki.api.grpc.servicers import (
    BudgetOptimizerServicer,
    CampaignServicer,
    PlatformServicer,
    SyncTwinServicer,
)
from kiki.api.health import ServiceState
from kiki.application.tenancy import TenantServices
from kiki.wire.gen import budget_optimizer_pb2, campaigns_pb2, platforms_pb2, synctwin_pb2
from kiki.wire.gen import budget_optimizer_pb2_grpc as bo_grpc
from kiki.wire.gen import campaigns_pb2_grpc as cp_grpc
from kiki.wire.gen import platforms_pb2_grpc as pf_grpc
from kiki.wire.gen import synctwin_pb2_grpc as tw_grpc

SERVICES = (
    budget_optimizer_pb2.DESCRIPTOR.services_by_name["BudgetOptimizerService"].full_name,
    synctwin_pb2.DESCRIPTOR.services_by_name["SyncTwinService"].full_name,
    campaigns_pb2.DESCRIPTOR.services_by_name["CampaignService"].full_name,
    platforms_pb2.DESCRIPTOR.services_by_name["PlatformService"].full_name,
)


class ReadinessHealth(health.HealthServicer):  # type: ignore[misc]  # untyped package
    """gRPC health that agrees with /readyz: a registered service is SERVING only while the
    service is ready (serving, and every configured dependency answers)."""

    def __init__(self, state: ServiceState) -> None:
        super().__init__()
        self._state = state

    def Check(  # noqa: N802  # the generated name
        self, request: health_pb2.HealthCheckRequest, context: grpc.ServicerContext
    ) -> health_pb2.HealthCheckResponse:
        reply = super().Check(request, context)
        if reply.status == health_pb2.HealthCheckResponse.SERVING and not self._state.ready():
            return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.NOT_SERVING)
        return reply


def build_server(
    tenancy: TenantServices, state: ServiceState, *, address: str, max_workers: int = 8
) -> tuple[grpc.Server, int]:
    """A started-ready (not started) server bound to ``address``, and the port it got."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="grpc"),
        interceptors=[ApiKeyInterceptor(tenancy)],
        maximum_concurrent_rpcs=max_workers * 8,
        options=[
            (
                "grpc.max_receive_message_length",
                tenancy.services.ports.settings.max_body_bytes,
            )
        ],
    )
    # The generated registration functions carry no annotations.
    bo_grpc.add_BudgetOptimizerServiceServicer_to_server(  # type: ignore[no-untyped-call]
        BudgetOptimizerServicer(tenancy), server
    )
    tw_grpc.add_SyncTwinServiceServicer_to_server(  # type: ignore[no-untyped-call]
        SyncTwinServicer(tenancy), server
    )
    cp_grpc.add_CampaignServiceServicer_to_server(  # type: ignore[no-untyped-call]
        CampaignServicer(tenancy), server
    )
    pf_grpc.add_PlatformServiceServicer_to_server(  # type: ignore[no-untyped-call]
        PlatformServicer(tenancy), server
    )
    checker = ReadinessHealth(state)
    health_pb2_grpc.add_HealthServicer_to_server(checker, server)
    for name in ("", *SERVICES):
        checker.set(name, health_pb2.HealthCheckResponse.SERVING)

    def on_change(serving: bool) -> None:
        status = (
            health_pb2.HealthCheckResponse.SERVING
            if serving
            else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        for name in ("", *SERVICES):
            checker.set(name, status)

    state.on_change(on_change)
    reflection.enable_server_reflection(
        (*SERVICES, health.SERVICE_NAME, reflection.SERVICE_NAME), server
    )
    port = server.add_insecure_port(address)
    return server, port
