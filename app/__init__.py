"""What Tsunagu does, in plain Python: services, rules, printing, sync and i18n (no Qt)."""
