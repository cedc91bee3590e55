"""The WeChat edge: the webhook, exactly-once intake, events, the API client and tags."""
