"""``kiki clients``: whose money KIKI may move — ACTIVE, PAUSED by a person, or STUCK."""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, services_from_env

app = typer.Typer(help="Clients and whether KIKI may move their money.", no_args_is_help=True)

_CLIENT = typer.Argument(..., help="The client id.")
_REASON = typer.Option(None, "--reason", help="Why, in your words; kept in the audit trail.")


@app.command("list")
def list_clients(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every client and its state (ACTIVE, PAUSED or STUCK) with the reason.

    Example: kiki clients list --json
    """
    from kiki.views import money  # noqa: PLC0415  # kiki --help must stay fast

    with services_from_env(quiet=True) as kiki:
        states = kiki.client_states()
    if as_json:
        echo_json([money.client_state(s) for s in states])
        return
    for s in states:
        typer.echo(f"{s.client_id:<30} {s.state.value:<7} {s.reason}")


@app.command("show")
def show(
    client: str = _CLIENT, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """What is where for a client: its state, pending shifts (with the budgets they expect),
    its platforms' budgets now, and its ledger balances.

    Example: kiki clients show acme
    """
    from kiki.cli.money_render import print_client  # noqa: PLC0415  # kiki --help: fast
    from kiki.views import money  # noqa: PLC0415

    with services_from_env(quiet=True) as kiki:
        view = kiki.show_client(client)
    if as_json:
        echo_json(money.client_view(view))
        return
    print_client(view)


@app.command("pause")
def pause(client: str = _CLIENT, reason: str | None = _REASON) -> None:
    """Stop moving a client's money until it is resumed (audited).

    Example: kiki clients pause acme --reason "budget review with the client"
    """
    with services_from_env(quiet=True) as kiki:
        status = kiki.pause_client(client, note=reason)
    typer.echo(f"{client}: {status.state.value} ({status.reason})")


@app.command("resume")
def resume(client: str = _CLIENT, reason: str | None = _REASON) -> None:
    """Let KIKI move a client's money again. A STUCK client is reconciled first and resumes
    only when its platforms' budgets explain every pending shift (else exit 1, and why).

    Example: kiki clients resume acme --reason "Meta budget checked by hand"
    """
    with services_from_env(quiet=True) as kiki:
        status = kiki.resume_client(client, note=reason)
    typer.echo(f"{client}: {status.state.value} ({status.reason})")
