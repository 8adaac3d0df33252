"""The gRPC wire: the code generated from ``proto/kiki/v1`` and the conversions between its
messages and KIKI's values, shared by the servers (``kiki.api.grpc``) and the client adapters
(``kiki.adapters.grpc_clients``)."""
