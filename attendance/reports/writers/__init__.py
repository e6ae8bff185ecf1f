"""Writers: report data (plain dicts) -> CSV, XLSX, PDF bytes; deterministic for the same data."""
