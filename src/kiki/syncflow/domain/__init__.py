"""SyncFlow's pure domain: efficiency, the cycle plan and its safety limits."""
