"""TikTok For Business through tiktok-business-api-sdk-official: kiki[tiktok]."""
