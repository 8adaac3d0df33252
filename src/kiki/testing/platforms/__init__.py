"""Fake ad platforms for offline tests: Meta's Graph API, the Google Ads API (gRPC over TLS)
and Microsoft Advertising's REST API, each serving one ``FakeMarket`` (the sandbox's market
model) in its platform's wire format. ``servers.FakePlatforms`` starts all three on loopback.

Import the modules themselves: the Google fake needs kiki[google], ``FakePlatforms`` trustme.
"""
