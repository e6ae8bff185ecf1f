"""Authentication and authorisation: users, roles, tokens, device tokens, login rate limiting."""
