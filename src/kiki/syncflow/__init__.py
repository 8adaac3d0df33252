"""SyncFlow: the GlobalBudgetOptimizer, moving daily budget to the best LTV/CAC platform."""
