"""The published shapes of the request bodies the routes parse themselves (strategies and
baselines), and of every error: the OpenAPI document shows them to clients and fuzzers.

The routes still parse with the shared validators (``kiki.application.inputs`` and the domain
constructors, the same on every entrypoint); these models only describe what those accept, with
the same bounds (``kiki.core.limits``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field

from kiki.core.errors import InvalidInputError
from kiki.core.limits import MAX_AUDIENCE, MAX_COEFFICIENT_OF_VARIATION
from kiki.core.platform import Platform

_UNITS = "an amount in currency units: a number or a decimal string"
Amount = Annotated[
    float | Annotated[str, Field(pattern=r"^\s*\d{1,15}(\.\d{1,6})?\s*$")],
    Field(description=_UNITS),
]
PlatformName = Annotated[
    str, Field(json_schema_extra={"enum": [p.value for p in Platform]}, description="a platform")
]
Coefficient = Annotated[float, Field(ge=0, le=MAX_COEFFICIENT_OF_VARIATION)]


class UncertaintyBody(BaseModel):
    """Coefficients of variation (sd / mean) of the richer model's factors."""

    model_config = ConfigDict(extra="allow")
    cvr: Coefficient = 0.0
    cost: Coefficient = 0.0
    aov: Coefficient = 0.0


class StrategyBody(BaseModel):
    """What to simulate: reach ``audience_size`` at ``cvr`` for ``daily_budget`` a day."""

    model_config = ConfigDict(extra="allow")
    audience_size: Annotated[int, Field(ge=1, le=MAX_AUDIENCE)]
    cvr: Annotated[float, Field(gt=0, le=1)]
    daily_budget: Amount
    platform: PlatformName = Platform.META.value
    name: Annotated[str, Field(min_length=1, max_length=200)] = "campaign"
    uncertainty: UncertaintyBody | None = None


class BaselineBody(BaseModel):
    """A client's recent month: order value, revenue and ad spend (currency units)."""

    model_config = ConfigDict(extra="forbid")
    avg_order_value: Amount
    monthly_revenue: Amount
    monthly_ad_spend: Amount


class SimulationBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    strategy: StrategyBody
    baseline: BaselineBody | None = Field(
        default=None, description="default: the client's own baseline"
    )
    seed: Annotated[int, Field(ge=0, lt=2**128)] | None = None


class LaunchBody(BaseModel):
    model_config = ConfigDict(extra="allow")
    strategy: StrategyBody


class ErrorBody(BaseModel):
    """Every error: a stable code, a message for people, the offending field when there is one."""

    error: str = Field(description="a stable code: invalid_input, not_found, forbidden, …")
    message: str = Field(description="what went wrong, for people; never SQL or secrets")
    field: str | None = Field(default=None, description="the offending input, when one is")


def request_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` publishing ``model`` as an operation's JSON request body."""
    ref = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}


PUBLISHED: tuple[type[BaseModel], ...] = (SimulationBody, LaunchBody, ErrorBody)


def components() -> dict[str, Any]:
    """The schemas of PUBLISHED and the models they use, keyed by class name."""
    found: dict[str, Any] = {}
    for model in PUBLISHED:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        found.update(schema.pop("$defs", {}))
        found[model.__name__] = schema
    return found


async def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or InvalidInputError naming ``body``."""
    raw = await request.body()
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidInputError(
            "body", "is not valid JSON (send a JSON object, Content-Type: application/json)"
        ) from None
    if not isinstance(value, dict):
        raise InvalidInputError("body", "must be a JSON object")
    return value


def publish(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the published schemas to an OpenAPI document, and say that every error of the API
    operations has the Error shape (FastAPI's default 422 shape is not what KIKI answers)."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(components())
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if "health" in operation.get("tags", ()):
                continue
            responses = operation.setdefault("responses", {})
            responses["422"] = {"description": "Invalid input (names the field)", "content": error}
            responses["default"] = {"description": "An error", "content": error}
    for unused in ("HTTPValidationError", "ValidationError"):
        schema["components"]["schemas"].pop(unused, None)
    return schema
