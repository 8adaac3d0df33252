"""Redis adapters: the mirror's state hashes and its event stream."""
