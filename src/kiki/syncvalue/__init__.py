"""SyncValue: LTV per acquisition platform, CAC and a client's baseline, from imported data."""
