"""The mirror's metrics: a deviation histogram observed a batch at a time (numpy counts into
the buckets, one lock per batch: prometheus_client's Histogram costs a lock per event) and
rollbacks by mode. No campaign label: a tenant's campaign ids are not for a shared dashboard.
The deviation is signed, so the buckets are negative too: as Prometheus has it for such
histograms, no ``_sum`` or ``_count`` is exported (the ``+Inf`` bucket is the count)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import HistogramMetricFamily
from prometheus_client.registry import Collector

from kiki.synctwin.domain.mirror import DeviationMode, FloatArray

# Signed deviation: below -0.15 a rollback, above +0.15 an alert (downside mode).
DEVIATION_BUCKETS = (-0.5, -0.3, -0.2, -0.15, -0.1, -0.05, 0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)


class MirrorCollector(Collector):
    def __init__(self, registry: CollectorRegistry) -> None:
        self._edges = np.array(DEVIATION_BUCKETS)
        self._counts = np.zeros(len(DEVIATION_BUCKETS) + 1, dtype=np.int64)  # last: +Inf only
        self._sum = 0.0
        self._lock = threading.Lock()
        self.rollbacks = Counter(
            "synctwin_mirror_rollbacks",
            "Campaigns the real-to-sim mirror rolled back (paused), by deviation mode.",
            ["mode"],
            registry=registry,
        )
        for mode in DeviationMode:
            self.rollbacks.labels(mode=mode.value)
        registry.register(self)

    def observe_many(self, values: FloatArray) -> None:
        # "le" buckets: a value equal to an edge counts in that edge's bucket
        slots = np.searchsorted(self._edges, values, side="left")
        counts = np.bincount(slots, minlength=len(self._counts))
        with self._lock:
            self._counts += counts
            self._sum += float(values.sum())

    def count_rollback(self, mode: str) -> None:
        self.rollbacks.labels(mode=mode).inc()

    def collect(self) -> Iterator[HistogramMetricFamily]:
        with self._lock:
            cumulative = np.cumsum(self._counts).tolist()
            total = self._sum
        buckets = [(repr(e), float(c)) for e, c in zip(DEVIATION_BUCKETS, cumulative, strict=False)]
        buckets.append(("+Inf", float(cumulative[-1])))
        family = HistogramMetricFamily(
            "synctwin_mirror_deviation",
            "Signed deviation of judged events' revenue from the time-aligned projection.",
            buckets=buckets,
            sum_value=total,
        )
        yield family
