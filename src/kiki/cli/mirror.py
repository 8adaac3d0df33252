"""``kiki mirror``: the real-to-sim mirror's publisher, stream consumer and verdicts."""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, services_from_env

app = typer.Typer(
    help="The real-to-sim mirror: live campaigns against their projections.",
    no_args_is_help=True,
)


@app.command("publish")
def publish(
    stream: bool = typer.Option(
        False, "--stream", help="Append to the Redis stream (KIKI_REDIS_URL) for the consumers."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Read every live campaign once and mirror it: here, or through the stream.

    Example: kiki mirror publish --stream
    """
    from kiki.views import mirror  # noqa: PLC0415  # kiki --help must stay fast

    with services_from_env(quiet=as_json) as kiki:
        done = kiki.publish_mirror(stream=stream)
    if as_json:
        echo_json(mirror.tally(done))
        return
    where = f"{done.entries} stream entries" if stream else _actions(done.actions)
    typer.echo(f"{done.events} event(s) published: {where}")


@app.command("consume")
def consume(  # noqa: PLR0917  # Typer passes each option positionally
    group: str = typer.Option(..., "--group", help="The consumer group."),
    consumer: str = typer.Option(..., "--consumer", help="This consumer's name in the group."),
    batches: int | None = typer.Option(None, "--batches", min=1, help="Stop after this many."),
    until_idle: bool = typer.Option(
        False, "--until-idle", help="Stop when nothing arrives within --block seconds."
    ),
    block: float = typer.Option(1.0, "--block", min=0.001, help="Seconds to wait for events."),
    count: int = typer.Option(1000, "--count", min=1, help="Entries taken at a time."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object at the end."),
) -> None:
    """Take events from the stream as one consumer of a group (a dead consumer's pending events
    first), decide them, and acknowledge each delivery once its decisions are durable.

    Example: kiki mirror consume --group mirror --consumer worker-1
    """
    from kiki.application.mirror_services import MirrorTally  # noqa: PLC0415
    from kiki.views import mirror  # noqa: PLC0415

    events, entries, taken = 0, 0, 0
    actions: dict[str, int] = {}
    with services_from_env(quiet=as_json) as kiki:
        while batches is None or taken < batches:
            done = kiki.consume_mirror(group=group, consumer=consumer, count=count, block_s=block)
            if done is None:
                if until_idle:
                    break
                continue
            taken += 1
            events += done.events
            entries += done.entries
            for name, n in done.actions.items():
                actions[name] = actions.get(name, 0) + n
            if not as_json:
                typer.echo(f"{done.events} event(s): {_actions(done.actions)}")
    if as_json:
        echo_json(mirror.tally(MirrorTally(events, actions, entries)))


@app.command("verdicts")
def verdicts(
    client: str | None = typer.Option(None, "--client", help="Only this client's campaigns."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The rollbacks and alerts the mirror decided, each once per campaign.

    Example: kiki mirror verdicts --client acme --json
    """
    from kiki.views import mirror  # noqa: PLC0415

    with services_from_env(quiet=True) as kiki:
        found = kiki.mirror_verdicts(client)
    if as_json:
        echo_json([mirror.verdict(v) for v in found])
        return
    if not found:
        typer.echo("no verdicts")
    for v in found:
        settled = "done" if v.settled_at else "pending"
        typer.echo(
            f"{v.decided_at:%Y-%m-%d %H:%M} {v.action.name} {v.campaign_id} ({v.client_id}) "
            f"deviation {v.deviation:+.1%} real {v.real_revenue_micros} projected "
            f"{v.projected_revenue_micros} [{settled}]"
        )


def _actions(actions: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in sorted(actions.items())) or "nothing"
