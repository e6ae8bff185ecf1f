"""Notices to people: the day's faults, heads' digests of pending requests, terminal alerts; by e-mail and in the pages."""
