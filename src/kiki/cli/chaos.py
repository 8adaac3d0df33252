"""``kiki chaos``: the nightly chaos suite, on demand."""

from __future__ import annotations

import typer

from kiki.cli.context import echo_json, services_from_env

app = typer.Typer(
    help="SyncTwin's chaos suite: does MarginGuardian protect clients?", no_args_is_help=True
)


@app.command("run")
def run(
    client: str | None = typer.Option(None, "--client", help="Only this client's campaigns."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of lines."),
    random: int | None = typer.Option(
        None, "--random", help="Run over N random campaign states instead of live clients."
    ),
    seed: int = typer.Option(0, "--seed", help="The random states' seed."),
    ray: bool = typer.Option(
        False, "--ray", help="Fan clients out over Ray (KIKI_RAY_ADDRESS, or a local Ray)."
    ),
) -> None:
    """Copy live campaigns into sandbox twins, shock each four ways (+50 % CPM, -30 % CVR, a
    5-minute API timeout, a 10x runaway spend) and check MarginGuardian's reactions. Exits 1
    when any test failed (after a CRITICAL alert); every run is audited.

    Example: kiki chaos run --client acme --json
    """
    overrides: dict[str, object] = {}
    if ray:
        from kiki.cli.context import load_settings  # noqa: PLC0415  # kiki --help must stay fast

        overrides["ray_address"] = load_settings().ray_address or "local"
    with services_from_env(quiet=as_json, **overrides) as kiki:
        if random is not None:
            report = kiki.run_chaos_random(random, seed=seed)
        else:
            report = kiki.run_chaos(client)
    if as_json:
        from kiki.views import guardian  # noqa: PLC0415

        echo_json(guardian.chaos(report))
    else:
        for result in report.results:
            mark = "PASS" if result.passed else "FAIL"
            where = result.client_id or "seed"
            typer.echo(f"{mark} {result.test.value:16} {where}/{result.campaign}: {result.details}")
        for campaign, why in report.skipped.items():
            typer.echo(f"skip {campaign}: {why}")
        total = len(report.results)
        typer.echo(
            f"{report.passed}/{total} chaos tests passed ({report.pass_rate:.1%}); "
            f"{len(report.failures)} failed"
        )
    if report.failures:
        raise typer.Exit(1)
