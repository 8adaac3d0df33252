"""SyncFlow's use cases."""
