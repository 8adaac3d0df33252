"""Amazon Ads (Sponsored Products) through python-amazon-ad-api: kiki[amazon]."""
