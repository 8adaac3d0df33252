"""The sandbox market: six simulated ad platforms that behave like an external system."""
