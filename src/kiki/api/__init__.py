"""The service's entrypoints: HTTP (FastAPI) and gRPC, over one set of operations."""
