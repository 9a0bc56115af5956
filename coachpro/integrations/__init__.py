"""The only modules that speak to the outside world (SMTP, Stripe)."""
