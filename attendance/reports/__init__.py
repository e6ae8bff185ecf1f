"""Monthly reports: the discipline report, the C01-HD timesheet, month closing (DOMAIN.md R10-R12).

Figures are computed as plain JSON-able data from the evaluation engine; writers turn that data
into CSV, XLSX and PDF; a closed month serves its frozen data, so its files never change.
"""
