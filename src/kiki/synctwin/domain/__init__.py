"""SyncTwin's pure core: inputs, the Monte Carlo kernels, projections and backtest arithmetic."""
