"""``kiki campaigns``: live campaigns at the platforms; pause and resume them by hand."""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, make_console, services_from_env

app = typer.Typer(help="Campaigns at the ad platforms.", no_args_is_help=True)

_ID = typer.Argument(..., help="The campaign id (see `kiki campaigns list`).")
_REASON = typer.Option(None, "--reason", help="Why, in your words; kept with the change.")


@app.command("list")
def list_campaigns(
    client: str | None = typer.Option(None, "--client", help="Only this client's campaigns."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Campaigns as the platforms report them now, with KIKI's pause reasons.

    Example: kiki campaigns list --client acme --json
    """

    from kiki.cli.tables import campaigns_table  # noqa: PLC0415
    from kiki.views import campaigns  # noqa: PLC0415

    with services_from_env(quiet=True) as kiki:
        found = kiki.campaigns(client)
    err = make_console(stderr=True)
    for (client_id, platform), why in found.stale.items():
        err.print(
            f"[yellow]note:[/] {platform.display_name} of {client_id} could not be read "
            f"({why}); its campaigns are shown as last known",
            highlight=False,
            soft_wrap=True,
        )
    if as_json:
        echo_json([campaigns.campaign(c) for c in found.campaigns])
        return
    make_console().print(campaigns_table(found.campaigns))


@app.command("pause")
def pause(campaign_id: str = _ID, reason: str | None = _REASON) -> None:
    """Pause a campaign at its platform (pause reason MANUAL); audited.

    Example: kiki campaigns pause sbx-1f2e3d --reason "creative under review"
    """
    with services_from_env(quiet=True) as kiki:
        done = kiki.pause_campaign(campaign_id, note=reason)
    typer.echo(f"paused {done.campaign_id} ({done.state.name}) · reason MANUAL")


@app.command("resume")
def resume(campaign_id: str = _ID, reason: str | None = _REASON) -> None:
    """Make a paused campaign active again; audited.

    Example: kiki campaigns resume sbx-1f2e3d
    """
    with services_from_env(quiet=True) as kiki:
        done = kiki.resume_campaign(campaign_id, note=reason)
    typer.echo(f"resumed {done.campaign_id} ({done.state.name}): {done.state.status.value}")
