"""Who may do what: passwords, tokens, hashing, and the limits that slow down abuse."""
