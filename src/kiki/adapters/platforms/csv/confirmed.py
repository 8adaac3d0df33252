"""Which changes of a change file are still pending, and what the exports say of the others.

A change is pending while the newest export is the one it was written after: nobody has
exported since, so nobody can say whether it was uploaded. Once a newer export exists, the
change was made if that export shows the new value, and was not made otherwise; either way
it is no longer pending and the export is the truth.
"""

from __future__ import annotations

import enum

from kiki.adapters.platforms.csv.changes import ChangeLine


class Confirmation(enum.Enum):
    PENDING = "pending"
    SETTLED = "settled"  # a newer export says what is true now


def confirmation(line: ChangeLine, newest_export: str) -> Confirmation:
    if line.after_export == newest_export:
        return Confirmation.PENDING
    return Confirmation.SETTLED


def pending(lines: list[ChangeLine], newest_export: str) -> list[ChangeLine]:
    return [line for line in lines if confirmation(line, newest_export) is Confirmation.PENDING]


def wanted(lines: list[ChangeLine]) -> dict[tuple[str, str], str]:
    """The last value asked for each (campaign, field) among ``lines``: a later line
    supersedes an earlier one, as an upload in file order would."""
    last: dict[tuple[str, str], str] = {}
    for line in lines:
        last[(line.campaign_id or line.campaign, line.field)] = line.new
    return last
