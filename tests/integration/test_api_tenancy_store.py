"""Tenancy's SQL stores on SQLite and PostgreSQL: keys hashed, revocation, clients, idempotency."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiki.adapters.sql.tenants import SqlClientDirectory, SqlIdempotencyStore, SqlTenantStore
from kiki.core.clock import VirtualClock
from kiki.core.errors import InvalidInputError
from kiki.tenancy import (
    AuthenticationError,
    ClientNotFoundError,
    ClientTakenError,
    IdempotencyConflictError,
    IdempotencyInProgressError,
    Tenant,
    TenantExistsError,
    UnknownTenantError,
)
from kiki.tenancy.services import (
    authenticate,
    create_tenant,
    fingerprint,
    issue_key,
    require_client,
    run_idempotent,
)

# The action results here are plain JSON objects; the service encodes typed results instead.
JSON: dict[str, Any] = {"encode": json.dumps, "decode": json.loads}


def test_a_key_authenticates_its_tenant_and_only_its_hash_is_stored(engine: Engine) -> None:
    store, clock = SqlTenantStore(engine), VirtualClock()
    key = create_tenant("acme", tenants=store, clock=clock)
    assert authenticate(f"Bearer {key.secret}", tenants=store) == Tenant("acme")
    assert authenticate(f"bearer   {key.secret}", tenants=store) == Tenant("acme")
    with engine.connect() as conn:
        dump = json.dumps(
            [list(map(str, r)) for r in conn.execute(sa.text("SELECT * FROM api_keys"))]
        )
    assert key.secret not in dump
    assert key.key_id in dump


def test_revoked_keys_are_refused_and_others_keep_working(engine: Engine) -> None:
    store, clock = SqlTenantStore(engine), VirtualClock()
    first = create_tenant("acme", tenants=store, clock=clock)
    second = issue_key("acme", tenants=store, clock=clock)
    assert store.revoke("acme", key_id=first.key_id, now=clock.now()) == 1
    with pytest.raises(AuthenticationError):
        authenticate(f"Bearer {first.secret}", tenants=store)
    assert authenticate(f"Bearer {second.secret}", tenants=store) == Tenant("acme")
    assert store.revoke("acme", key_id=None, now=clock.now()) == 1
    with pytest.raises(AuthenticationError):
        authenticate(f"Bearer {second.secret}", tenants=store)
    [summary] = store.summaries()
    assert all(k.revoked_at is not None for k in summary.keys)


def test_tenant_names_are_unique_and_checked(engine: Engine) -> None:
    store, clock = SqlTenantStore(engine), VirtualClock()
    create_tenant("acme", tenants=store, clock=clock)
    with pytest.raises(TenantExistsError):
        create_tenant("acme", tenants=store, clock=clock)
    with pytest.raises(InvalidInputError, match="tenant"):
        create_tenant("Not Valid!", tenants=store, clock=clock)
    with pytest.raises(UnknownTenantError):
        store.revoke("nobody", key_id=None, now=clock.now())


def test_a_client_belongs_to_one_tenant(engine: Engine) -> None:
    store, directory, clock = SqlTenantStore(engine), SqlClientDirectory(engine), VirtualClock()
    create_tenant("acme", tenants=store, clock=clock)
    create_tenant("globex", tenants=store, clock=clock)
    directory.attach("acme", "shop", now=clock.now())
    directory.attach("acme", "shop", now=clock.now())  # again: a no-op
    with pytest.raises(ClientTakenError):
        directory.attach("globex", "shop", now=clock.now())
    assert require_client(Tenant("acme"), "shop", directory=directory) == "shop"
    with pytest.raises(ClientNotFoundError, match="'shop' not found"):
        require_client(Tenant("globex"), "shop", directory=directory)
    assert directory.clients("acme") == ["shop"]
    assert directory.clients("globex") == []
    assert directory.clients() == ["shop"]


def test_an_idempotent_action_runs_once_per_key_and_refuses_a_different_request(
    engine: Engine,
) -> None:
    store, clock = SqlIdempotencyStore(engine), VirtualClock()
    runs: list[int] = []

    def action() -> dict[str, object]:
        runs.append(1)
        return {"moved": len(runs)}

    acme = Tenant("acme")
    same = fingerprint("op", {"a": 1})
    assert run_idempotent(acme, "k", same, action, store=store, clock=clock, **JSON) == (
        {"moved": 1},
        False,
    )
    assert run_idempotent(acme, "k", same, action, store=store, clock=clock, **JSON) == (
        {"moved": 1},
        True,
    )
    with pytest.raises(IdempotencyConflictError):
        run_idempotent(
            acme, "k", fingerprint("op", {"a": 2}), action, store=store, clock=clock, **JSON
        )
    # Keys are per tenant.
    assert (
        run_idempotent(Tenant("globex"), "k", same, action, store=store, clock=clock, **JSON)[1]
        is False
    )
    assert len(runs) == 2


def test_a_failed_action_leaves_its_key_free_for_the_retry(engine: Engine) -> None:
    store, clock = SqlIdempotencyStore(engine), VirtualClock()

    def fails() -> dict[str, object]:
        raise InvalidInputError("x", "broken")

    with pytest.raises(InvalidInputError):
        run_idempotent(Tenant("acme"), "k", "f", fails, store=store, clock=clock, **JSON)
    assert run_idempotent(
        Tenant("acme"), "k", "f", lambda: {"ok": True}, store=store, clock=clock, **JSON
    ) == ({"ok": True}, False)


def test_a_key_left_pending_by_a_crash_frees_itself_after_its_lease(engine: Engine) -> None:
    store, clock = SqlIdempotencyStore(engine, lease_s=60), VirtualClock()
    acme, same = Tenant("acme"), fingerprint("op", {"a": 1})
    assert store.claim("acme", "k", same, now=clock.now()) is None  # then the process died
    with pytest.raises(IdempotencyInProgressError):
        run_idempotent(acme, "k", same, lambda: {"ran": 1}, store=store, clock=clock, **JSON)
    clock.advance(61)
    with pytest.raises(IdempotencyConflictError):  # a different request still may not take it
        run_idempotent(
            acme, "k", fingerprint("op", {"a": 2}), dict, store=store, clock=clock, **JSON
        )
    assert run_idempotent(
        acme, "k", same, lambda: {"ran": 1}, store=store, clock=clock, **JSON
    ) == ({"ran": 1}, False)
    assert run_idempotent(acme, "k", same, dict, store=store, clock=clock, **JSON) == (
        {"ran": 1},
        True,
    )
