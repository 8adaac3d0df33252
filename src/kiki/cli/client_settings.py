"""``kiki settings``: a client's optimiser settings (threshold, percent, cool-down, allow and
deny lists, floors and ceilings), shown or changed; each change is in the audit trail."""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, services_from_env

app = typer.Typer(help="A client's optimiser settings: show or change them.", no_args_is_help=True)

_CLIENT = typer.Argument(..., help="The client id.")
_JSON = typer.Option(False, "--json", help="Print JSON.")


@app.command("show")
def show(client: str = _CLIENT, as_json: bool = _JSON) -> None:
    """The settings the optimiser uses for a client (its own, else the defaults).

    Example: kiki settings show acme
    """
    from kiki.views import flow  # noqa: PLC0415  # kiki --help must stay fast

    with services_from_env(quiet=True) as kiki:
        body = flow.settings(kiki.settings(client))
    _print(body, as_json=as_json)


@app.command("set")
def set_settings(
    client: str = _CLIENT,
    changes: list[str] = typer.Argument(
        ...,
        help="NAME=VALUE pairs: efficiency_threshold, reallocation_percent, cooldown_s, "
        "allow, deny (comma-separated platforms), limits (JSON).",
    ),
    as_json: bool = _JSON,
) -> None:
    """Change some of a client's settings; the rest are kept. Recorded in the audit trail.
    Bad input changes nothing (exit 2).

    Example: kiki settings set acme efficiency_threshold=0.25 deny=linkedin
    """
    from kiki.views import flow  # noqa: PLC0415  # kiki --help must stay fast

    parsed = dict(parse_pair(item) for item in changes)
    with services_from_env(quiet=True) as kiki:
        body = flow.settings(kiki.change_settings(client, parsed))
    _print(body, as_json=as_json)


def parse_pair(item: str) -> tuple[str, object]:
    """``NAME=VALUE``: JSON where it parses (numbers, null, objects), a comma-separated list
    for allow and deny, else the text."""
    import json  # noqa: PLC0415

    from kiki.core.errors import InvalidInputError  # noqa: PLC0415

    name, sep, raw = item.partition("=")
    name, raw = name.strip(), raw.strip()
    if not sep or not name:
        raise InvalidInputError("settings", f"{item!r} is not NAME=VALUE")
    try:
        value: object = json.loads(raw)
    except ValueError:
        value = raw
    if name in ("allow", "deny") and isinstance(value, str):
        value = [p.strip() for p in value.split(",") if p.strip()]
    return name, value


def _print(body: dict[str, object], *, as_json: bool) -> None:
    if as_json:
        echo_json(body)
        return
    for name, value in body.items():
        typer.echo(f"{name}: {'-' if value is None else value}")
