"""SyncValue's use cases."""
