"""Services the API needs that the domain core does not have (yet): small, typed, audited."""
