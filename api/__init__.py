"""Delivery: the FastAPI app (routes, auth, pages, kiosk) and the `attendance` command line."""
