"""SyncTwin's use cases: simulate a strategy for a client, launch through the gate, backtest."""
