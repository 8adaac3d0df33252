"""``kiki tenants``: create tenants, issue and revoke their API keys, attach their clients."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from kiki.cli.context import app_from_env
from kiki.tenancy.keys import check_client_id, check_tenant_name
from kiki.tenancy.services import create_tenant, issue_key

app = typer.Typer(help="Tenants of the service and their API keys.", no_args_is_help=True)


@app.command("create")
def create(
    name: str = typer.Argument(..., help="Tenant name: a-z, 0-9, '_' and '-'."),
    as_json: bool = typer.Option(False, "--json", help='Print {"tenant": ..., "api_key": ...}.'),
) -> None:
    """Create a tenant and print its first API key, once: only its hash is stored."""
    with app_from_env(quiet=True) as kiki:
        key = create_tenant(name, tenants=kiki.tenants, clock=kiki.clock)
    _print_key(key.tenant_id, key.key_id, key.secret, as_json=as_json)


@app.command("new-key")
def new_key(
    name: str = typer.Argument(...),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Issue another API key for a tenant (to rotate: issue, switch, then revoke the old)."""
    with app_from_env(quiet=True) as kiki:
        key = issue_key(check_tenant_name(name), tenants=kiki.tenants, clock=kiki.clock)
    _print_key(key.tenant_id, key.key_id, key.secret, as_json=as_json)


@app.command("revoke")
def revoke(
    name: str = typer.Argument(...),
    key_id: str | None = typer.Option(None, "--key-id", help="Only this key (default: all)."),
) -> None:
    """Revoke a tenant's API keys; requests with them are refused from now on."""
    with app_from_env(quiet=True) as kiki:
        count = kiki.tenants.revoke(check_tenant_name(name), key_id=key_id, now=kiki.clock.now())
    typer.echo(f"revoked {count} key(s) of {name}")


@app.command("add-client")
def add_client(
    name: str = typer.Argument(..., help="Tenant."),
    client: str = typer.Argument(..., help="Client id to attach to the tenant."),
    sandbox: bool = typer.Option(
        False, "--sandbox", help="Also give the client the six demo sandbox ad accounts."
    ),
) -> None:
    """Attach a client to a tenant: its keys reach this client's data, no other tenant's do."""
    client_id = check_client_id(client, field="client")
    with app_from_env(quiet=True) as kiki:
        kiki.directory.attach(check_tenant_name(name), client_id, now=kiki.clock.now())
        if sandbox:
            kiki.open_sandbox_client(client_id)
    typer.echo(
        f"attached {client_id} to {name}" + (" (sandbox accounts opened)" if sandbox else "")
    )


@app.command("list")
def list_tenants(as_json: bool = typer.Option(False, "--json")) -> None:
    """Tenants, their keys (ids only) and clients."""
    with app_from_env(quiet=True) as kiki:
        summaries = kiki.tenants.summaries()
    if as_json:
        rows = [
            {
                "tenant": s.tenant_id,
                "created_at": s.created_at.isoformat(),
                "clients": list(s.clients),
                "keys": [
                    {
                        "key_id": k.key_id,
                        "created_at": k.created_at.isoformat(),
                        "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
                    }
                    for k in s.keys
                ],
            }
            for s in summaries
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"Tenants ({len(summaries)})")
    for column in ("tenant", "live keys", "revoked keys", "clients"):
        table.add_column(column)
    for s in summaries:
        live = [k.key_id for k in s.keys if k.revoked_at is None]
        table.add_row(
            s.tenant_id, ", ".join(live), str(len(s.keys) - len(live)), ", ".join(s.clients)
        )
    Console().print(table)


def _print_key(tenant_id: str, key_id: str, secret: str, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"tenant": tenant_id, "api_key": secret, "key_id": key_id}))
        return
    typer.echo(f"tenant {tenant_id}, key id {key_id}")
    typer.echo(f"API key (shown once, only its hash is kept): {secret}")
