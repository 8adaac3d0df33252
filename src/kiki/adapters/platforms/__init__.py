"""The real ad-platform adapters (Meta, Google Ads, Microsoft Advertising) and what they share:
exact money on each wire, retries, credentials, and telemetry from hourly reports.

Each SDK is imported inside its adapter on first use, so ``kiki`` without the extras runs on
the sandbox and never loads them.
"""
