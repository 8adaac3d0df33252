"""``kiki demo``: the seed's Meta CPM-spike scenario, told truthfully on the embedded default."""

from __future__ import annotations

import typer

CLIENT = "demo-client"


def demo(
    hours: float = typer.Option(
        3.0, "--hours", min=0.5, max=72, help="Virtual hours to run after the spike."
    ),
) -> None:
    """Six sandbox platforms, a +40 % Meta CPM spike, the optimiser reacting every 5 minutes;
    then MarginGuardian: a CPM shock paused, a runaway stopped at 110 %, the chaos suite.

    Example: kiki demo --hours 6
    """
    from kiki.cli.context import check_storage, load_settings  # noqa: PLC0415
    from kiki.cli.demo_guardian import tell_guardian  # noqa: PLC0415  # kiki --help must stay fast
    from kiki.cli.demo_story import tell  # noqa: PLC0415

    # the demo keeps its own databases under the data folder: that folder must be usable
    check_storage(load_settings().model_copy(update={"database_url": None}))
    tell(CLIENT, hours)
    tell_guardian()
