"""The gRPC entrypoint: BudgetOptimizerService and SyncTwinService, health and reflection."""
