"""Data in and out: CSV/XLSX import and export of instances, payroll and employer invoices.

pandas stays in this package (and in `service.reports`), never below `service/`. Every function
takes paths, bytes or frames and returns values or a list of row errors, so the CLI and the API
call the same code.
"""
