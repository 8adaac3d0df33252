"""The JSON rendering of every result type, one per type, shared by the CLI's ``--json`` and
the HTTP API: money as currency units (floats, for people) and as micros (ints, exact)."""
