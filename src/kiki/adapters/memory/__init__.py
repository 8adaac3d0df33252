"""In-process adapters: real implementations for the embedded default and the tests."""
