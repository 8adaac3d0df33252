"""Issue #14: the OpenAPI document publishes the bodies of /simulations and /launches and the
error shape KIKI answers, so clients and fuzzers know them."""

from __future__ import annotations

from kiki.core.limits import MAX_AUDIENCE
from tests.unit.api.conftest import Service


def test_simulations_and_launches_publish_their_body_schemas(service: Service) -> None:
    doc = service.http.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for path, title in (("simulations", "SimulationBody"), ("launches", "LaunchBody")):
        body = doc["paths"][f"/v1/clients/{{client_id}}/{path}"]["post"]["requestBody"]
        assert body["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{title}"
        }
        assert schemas[title]["properties"]["strategy"] == {
            "$ref": "#/components/schemas/StrategyBody"
        }
    strategy = schemas["StrategyBody"]
    assert set(strategy["required"]) == {"audience_size", "cvr", "daily_budget"}
    assert strategy["properties"]["audience_size"]["maximum"] == MAX_AUDIENCE
    assert schemas["UncertaintyBody"]["properties"]["cost"]["maximum"] == 10


def test_every_api_error_is_documented_with_the_shape_answered(service: Service) -> None:
    doc = service.http.get("/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if "health" in operation.get("tags", ()):
                continue
            for status in ("422", "default"):
                content = operation["responses"][status]["content"]["application/json"]
                assert content["schema"] == error, (method, path, status)
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    r = service.http.post("/v1/clients/acme-shop/simulations", json=[], headers=service.auth())
    assert r.status_code == 422
    assert r.json() == {
        "error": "invalid_input",
        "field": "body",
        "message": "body: must be a JSON object",
    }
