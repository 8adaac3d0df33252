"""How a client's money reads in a terminal: its state, pending shifts, budgets, balances."""

from __future__ import annotations

from rich.console import Console

from kiki.application.money_services import ClientView
from kiki.syncledger.ledger import account_platform


def print_client(view: ClientView) -> None:
    console = Console(highlight=False, soft_wrap=True)
    s = view.status
    since = f" since {s.since:%Y-%m-%d %H:%M} UTC" if s.since else ""
    console.print(f"[bold]{s.client_id}[/]: {s.state.value}{since} {s.reason}".rstrip())
    for t in view.pending:
        src, dst = account_platform(t.source), account_platform(t.destination)
        names = f"{src.display_name if src else t.source} → {dst.display_name if dst else ''}"
        console.print(
            f"  pending {t.shift_id}: {names} {t.amount.format()}/day · before "
            f"{_units(t.source_before)} / {_units(t.destination_before)} · targets "
            f"{_units(t.source_target)} / {_units(t.destination_target)}"
        )
    for platform, budget in view.budgets.items():
        console.print(f"  {platform.display_name:<10} budget now {budget.format()}/day")
    for platform, why in view.unreadable.items():
        console.print(f"  {platform.display_name:<10} cannot be read: {why}")
    moved = ", ".join(f"{a} {m.format()}" for a, m in view.balances.items() if m.micros)
    console.print(f"  ledger: {moved or 'no posted shifts'}")


def _units(amount: object) -> str:
    return "-" if amount is None else str(amount)
