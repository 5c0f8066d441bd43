"""Word lists per language: `en` for the English clause rules, `de`/`fr`/`es` for the shared European rules."""
