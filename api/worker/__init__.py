"""`attendance worker`: the scheduled jobs (notices, terminal alerts, backups) under a database lease."""
