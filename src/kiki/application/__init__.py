"""The application layer: one service per use case, taking ports and returning typed results.

Entrypoints (CLI, HTTP, gRPC, the scheduler) parse, make one call to ``services.Services``,
and render the result; ``kiki.bootstrap`` binds the use cases to the adapters it chose.
"""
