"""SyncValue's pure definitions: windows, rounding, LTV/CAC/baseline values and CSV rows."""
