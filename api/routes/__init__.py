"""HTTP routes, one module per domain area; api.main includes them."""
