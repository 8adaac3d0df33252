"""KIKI: move advertising money safely across six ad platforms."""

__version__ = "0.1.0"
