"""Platform connections and the accounts' check as JSON."""

from __future__ import annotations

from typing import Any

from kiki.core.money import Money
from kiki.platforms.checks import AccountCheck, PlatformCheck
from kiki.platforms.connections import Connection


def connection(item: Connection) -> dict[str, Any]:
    """``{"client_id", "platform", "adapter", "account_id", "credentials", "connected_at"}``;
    ``credentials`` is the secrets-file section's name (null: the environment), never a secret."""
    return {
        "client_id": item.client_id,
        "platform": item.platform.value,
        "adapter": item.adapter,
        "account_id": item.account_id,
        "credentials": item.credentials,
        "connected_at": item.connected_at.isoformat(),
    }


def connections(items: list[Connection]) -> list[dict[str, Any]]:
    return [connection(c) for c in items]


def _units(amount: Money | None) -> float | None:
    return None if amount is None else amount.to_units()


def _micros(amount: Money | None) -> int | None:
    return None if amount is None else amount.micros


def account_check(item: AccountCheck) -> dict[str, Any]:
    return {
        "platform": item.platform.value,
        "adapter": item.adapter,
        "account_id": item.account_id,
        "ok": item.ok,
        "problem": item.problem,
        "daily_budget": _units(item.daily_budget),
        "daily_budget_micros": _micros(item.daily_budget),
        "spend_today": _units(item.spend_today),
        "spend_today_micros": _micros(item.spend_today),
        "conversions_today": item.conversions_today,
        "campaigns": item.campaigns,
        "active_campaigns": item.active_campaigns,
    }


def check(result: PlatformCheck) -> dict[str, Any]:
    """``{"client_id", "ok", "accounts": [{"platform", "adapter", "account_id", "ok",
    "problem", "daily_budget", "spend_today", "conversions_today", "campaigns", …}]}``."""
    return {
        "client_id": result.client_id,
        "ok": result.ok,
        "accounts": [account_check(a) for a in result.accounts],
    }
