"""LinkedIn Marketing API through linkedin-api-client: kiki[linkedin]."""
