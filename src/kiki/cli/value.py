"""``kiki value``: LTV and CAC per acquisition platform, and the client's baseline."""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, services_from_env

app = typer.Typer(
    help="SyncValue: LTV, CAC and baselines from the client's imported data.",
    no_args_is_help=True,
)

_CLIENT = typer.Option(..., "--client", help="The client whose data to read.")
_AS_OF = typer.Option(
    None, "--as-of", help="The window's end, ISO 8601 (a bare date is 00:00 UTC); default: now."
)
_LOOKBACK = typer.Option(
    90, "--lookback-days", help="The window's length: this many days up to --as-of."
)
_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


@app.command("ltv")
def ltv(
    client: str = _CLIENT,
    platform: str | None = typer.Option(None, "--platform", help="Only this platform."),
    as_of: str | None = _AS_OF,
    lookback_days: int = _LOOKBACK,
    as_json: bool = _JSON,
) -> None:
    """LTV and CAC of each platform's cohort: the customers it acquired within the window.
    Without imported data, the LTV the optimiser uses (the sandbox's model) is shown.

    Example: kiki value ltv --client acme --as-of 2024-04-01 --json
    """
    from kiki.cli.tables import print_titled, value_table  # noqa: PLC0415
    from kiki.core.platform import Platform  # noqa: PLC0415
    from kiki.syncvalue.domain.csv_format import parse_instant  # noqa: PLC0415
    from kiki.views import value  # noqa: PLC0415

    only = None if platform is None else Platform.parse(platform, field="--platform")
    moment = None if as_of is None else parse_instant(as_of, field="--as-of")
    with services_from_env(quiet=True) as kiki:
        answer = kiki.value_report(client, lookback_days=lookback_days, as_of=moment)
    if as_json:
        echo_json(value.ltv(answer, platform=only))
        return
    print_titled(value_table(answer, only=only))


@app.command("baseline")
def baseline(
    client: str = _CLIENT,
    as_of: str | None = _AS_OF,
    lookback_days: int = _LOOKBACK,
    as_json: bool = _JSON,
) -> None:
    """Monthly revenue and ad spend, average order value and churn over the window.

    Example: kiki value baseline --client acme --json
    """
    from kiki.cli.tables import baseline_table, print_titled  # noqa: PLC0415
    from kiki.syncvalue.domain.csv_format import parse_instant  # noqa: PLC0415
    from kiki.views import value  # noqa: PLC0415

    moment = None if as_of is None else parse_instant(as_of, field="--as-of")
    with services_from_env(quiet=True) as kiki:
        result = kiki.value_baseline(client, lookback_days=lookback_days, as_of=moment)
    if as_json:
        echo_json(value.baseline(result))
        return
    print_titled(baseline_table(client, result))
