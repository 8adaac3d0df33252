"""Campaigns: what KIKI knows about a live campaign at a platform, and its change history."""
