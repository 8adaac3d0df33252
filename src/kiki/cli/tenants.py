"""``kiki tenants``: create tenants, issue and revoke their API keys, attach their clients."""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, make_console, services_from_env

app = typer.Typer(help="Tenants of the service and their API keys.", no_args_is_help=True)


@app.command("create")
def create(
    name: str = typer.Argument(..., help="Tenant name: a-z, 0-9, '_' and '-'."),
    as_json: bool = typer.Option(False, "--json", help='Print {"tenant": ..., "api_key": ...}.'),
) -> None:
    """Create a tenant and print its first API key, once: only its hash is stored.

    Example: kiki tenants create acme --json
    """
    with services_from_env(quiet=True) as kiki:
        key = kiki.create_tenant(name)
    _print_key(key.tenant_id, key.key_id, key.secret, as_json=as_json)


@app.command("new-key")
def new_key(
    name: str = typer.Argument(..., help="The tenant."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    operator: bool = typer.Option(
        False,
        "--operator",
        help="An operator key: may also send alerts about no client and attach client ids "
        "that already have data.",
    ),
) -> None:
    """Issue another API key for a tenant (to rotate: issue, switch, then revoke the old).

    Example: kiki tenants new-key acme
    """
    with services_from_env(quiet=True) as kiki:
        key = kiki.issue_key(name, operator=operator)
    _print_key(key.tenant_id, key.key_id, key.secret, as_json=as_json)


@app.command("revoke")
def revoke(
    name: str = typer.Argument(..., help="The tenant."),
    key_id: str | None = typer.Option(None, "--key-id", help="Only this key (default: all)."),
) -> None:
    """Revoke a tenant's API keys; requests with them are refused from now on.

    Example: kiki tenants revoke acme --key-id k_1234
    """
    with services_from_env(quiet=True) as kiki:
        count = kiki.revoke_keys(name, key_id=key_id)
    typer.echo(f"revoked {count} key(s) of {name}")


@app.command("add-client")
def add_client(
    name: str = typer.Argument(..., help="Tenant."),
    client: str = typer.Argument(..., help="Client id to attach to the tenant."),
    sandbox: bool = typer.Option(
        False, "--sandbox", help="Also give the client the six demo sandbox ad accounts."
    ),
) -> None:
    """Attach a client to a tenant: its keys reach this client's data, no other tenant's do.

    Example: kiki tenants add-client acme acme-shop --sandbox
    """
    from kiki.application.inputs import check_client  # noqa: PLC0415  # fast --help
    from kiki.tenancy.keys import check_tenant_name  # noqa: PLC0415

    client_id = check_client(client, field="client")
    with services_from_env(quiet=True) as kiki:
        done = kiki.attach_client(client_id, tenant_id=check_tenant_name(name), sandbox=sandbox)
    opened = " (sandbox accounts opened)" if done.sandbox_opened else ""
    kept = " (its sandbox accounts were already open: kept)" if sandbox and not opened else ""
    typer.echo(f"attached {client_id} to {name}{opened}{kept}")


@app.command("list")
def list_tenants(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Tenants, their keys (ids only) and clients.

    Example: kiki tenants list --json
    """
    from rich.table import Table  # noqa: PLC0415

    from kiki.views import records  # noqa: PLC0415

    with services_from_env(quiet=True) as kiki:
        summaries = kiki.tenants()
    if as_json:
        echo_json([records.tenant(s) for s in summaries])
        return
    table = Table(title=f"Tenants ({len(summaries)})")
    for column in ("tenant", "live keys", "revoked keys", "clients"):
        table.add_column(column)
    for s in summaries:
        live = [
            f"{k.key_id} (operator)" if k.operator else k.key_id
            for k in s.keys
            if k.revoked_at is None
        ]
        table.add_row(
            s.tenant_id, ", ".join(live), str(len(s.keys) - len(live)), ", ".join(s.clients)
        )
    make_console().print(table)


def _print_key(tenant_id: str, key_id: str, secret: str, *, as_json: bool) -> None:
    if as_json:
        echo_json({"tenant": tenant_id, "api_key": secret, "key_id": key_id})
        return
    typer.echo(f"tenant {tenant_id}, key id {key_id}")
    typer.echo(f"API key (shown once, only its hash is kept): {secret}")
