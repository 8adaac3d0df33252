"""Meta (Facebook and Instagram ads) through facebook-business: kiki[meta]."""
