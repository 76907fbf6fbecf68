"""The outbox relay: every event the OMS recorded is delivered (e-mail, webhooks) at least once, never lost."""
