"""Google Ads through google-ads (gRPC): kiki[google]."""
