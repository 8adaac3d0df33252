"""SqlGateDecisionStore and SqlBaselineSource: SyncTwin's decisions and baselines in SQL."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from kiki.adapters.sql.engine import reading, translate_errors
from kiki.adapters.sql.twin_tables import twin_baselines as tb
from kiki.adapters.sql.twin_tables import twin_decisions as td
from kiki.adapters.sql.twin_tables import twin_projections as tp
from kiki.campaigns.projection import Projection
from kiki.core.errors import InvalidInputError
from kiki.core.money import MICROS_PER_UNIT, Money
from kiki.synctwin.domain.inputs import Baseline, Strategy
from kiki.synctwin.domain.projection import ProjectedDay, launch_projection
from kiki.synctwin.ports import GateDecision


class SqlGateDecisionStore:
    """Implements GateDecisionStore; a decision and its projection go in one transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, decision: GateDecision, projection: tuple[ProjectedDay, ...] = ()) -> None:
        projected = float(decision.result.get("projected_net_profit_uplift", 0.0))
        with translate_errors("recording a gate decision"):
            try:
                with self._engine.begin() as conn:
                    conn.execute(
                        td.insert().values(
                            decision_id=decision.decision_id,
                            client_id=decision.client_id,
                            at=decision.at,
                            approved=decision.approved,
                            confidence=decision.confidence,
                            projected_uplift_micros=round(projected * MICROS_PER_UNIT),
                            seed=str(decision.seed),
                            platform=decision.strategy.platform.value,
                            campaign_id=decision.campaign_id,
                            strategy_json=json.dumps(decision.strategy.to_dict(), sort_keys=True),
                            baseline_json=json.dumps(decision.baseline.to_dict(), sort_keys=True),
                            result_json=json.dumps(dict(decision.result), sort_keys=True),
                        )
                    )
                    if decision.campaign_id is not None and projection:
                        conn.execute(
                            tp.insert(),
                            [
                                {
                                    "campaign_id": decision.campaign_id,
                                    "day": d.day,
                                    "revenue_micros": d.revenue.micros,
                                    "spend_micros": d.spend.micros,
                                }
                                for d in projection
                            ],
                        )
            except IntegrityError as exc:
                raise InvalidInputError(
                    "decision_id", "is already recorded (or its campaign id is)"
                ) from exc

    def decisions(self, *, client_id: str | None = None) -> list[GateDecision]:
        query = sa.select(td).order_by(td.c.at, td.c.decision_id)
        if client_id is not None:
            query = query.where(td.c.client_id == client_id)
        with translate_errors("reading gate decisions"), reading(self._engine) as conn:
            return [_decision(row) for row in conn.execute(query)]

    def projection(self, campaign_id: str) -> tuple[ProjectedDay, ...]:
        query = sa.select(tp).where(tp.c.campaign_id == campaign_id).order_by(tp.c.day)
        with translate_errors("reading a projection"), reading(self._engine) as conn:
            return tuple(
                ProjectedDay(int(r.day), Money(int(r.revenue_micros)), Money(int(r.spend_micros)))
                for r in conn.execute(query)
            )

    def projections(self, campaign_ids: Collection[str]) -> dict[str, Projection]:
        ids = sorted(set(campaign_ids))
        found: dict[str, Projection] = {}
        with translate_errors("reading projections"), reading(self._engine) as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                last = (
                    sa.select(tp.c.campaign_id, sa.func.max(tp.c.day).label("day"))
                    .where(tp.c.campaign_id.in_(chunk))
                    .group_by(tp.c.campaign_id)
                    .subquery()
                )
                query = (
                    sa.select(
                        td.c.campaign_id,
                        td.c.at,
                        td.c.strategy_json,
                        tp.c.day,
                        tp.c.revenue_micros,
                        tp.c.spend_micros,
                    )
                    .join(last, last.c.campaign_id == td.c.campaign_id)
                    .join(tp, (tp.c.campaign_id == last.c.campaign_id) & (tp.c.day == last.c.day))
                )
                for row in conn.execute(query):
                    day = ProjectedDay(
                        int(row.day), Money(int(row.revenue_micros)), Money(int(row.spend_micros))
                    )
                    strategy = Strategy.from_dict(json.loads(row.strategy_json))
                    projection = launch_projection(row.at, strategy, (day,))
                    if projection is not None:
                        found[row.campaign_id] = projection
        return found

    def record_outcome(self, decision_id: str, actual_net_profit: Money, *, at: datetime) -> None:
        with translate_errors("recording an outcome"), self._engine.begin() as conn:
            updated = conn.execute(
                td.update()
                .where(td.c.decision_id == decision_id)
                .values(actual_net_profit_micros=actual_net_profit.micros, outcome_at=at)
            ).rowcount
        if updated == 0:
            raise InvalidInputError("decision_id", f"no gate decision {decision_id!r}")


class SqlBaselineSource:
    """Implements BaselineSource from baselines recorded by hand (``kiki twin baseline``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def put(self, client_id: str, baseline: Baseline, *, at: datetime) -> None:
        values = {
            "avg_order_value_micros": baseline.avg_order_value.micros,
            "monthly_revenue_micros": baseline.monthly_revenue.micros,
            "monthly_ad_spend_micros": baseline.monthly_ad_spend.micros,
            "recorded_at": at,
        }
        with translate_errors("recording a baseline"), self._engine.begin() as conn:
            updated = conn.execute(
                tb.update().where(tb.c.client_id == client_id).values(**values)
            ).rowcount
            if updated == 0:
                conn.execute(tb.insert().values(client_id=client_id, **values))

    def baseline(
        self,
        client_id: str,
        *,
        lookback_days: int,  # noqa: ARG002  # a recorded baseline stands for any window
        as_of: datetime,
    ) -> Baseline | None:
        query = sa.select(tb).where(tb.c.client_id == client_id, tb.c.recorded_at <= as_of)
        with translate_errors("reading a baseline"), reading(self._engine) as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return Baseline(
            avg_order_value=Money(int(row.avg_order_value_micros)),
            monthly_revenue=Money(int(row.monthly_revenue_micros)),
            monthly_ad_spend=Money(int(row.monthly_ad_spend_micros)),
        )


def _decision(row: sa.Row[tuple[object, ...]]) -> GateDecision:
    m = row._mapping
    profit = m["actual_net_profit_micros"]
    return GateDecision(
        decision_id=m["decision_id"],
        client_id=m["client_id"],
        at=m["at"],
        strategy=Strategy.from_dict(json.loads(m["strategy_json"])),
        baseline=Baseline.from_dict(json.loads(m["baseline_json"])),
        approved=bool(m["approved"]),
        confidence=float(m["confidence"]),
        seed=int(m["seed"]),
        result=json.loads(m["result_json"]),
        campaign_id=m["campaign_id"],
        actual_net_profit=None if profit is None else Money(int(profit)),
    )
