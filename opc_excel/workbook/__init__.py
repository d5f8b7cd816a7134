"""The only code that knows sheet names, headers and cells (contract: shared/design/workbook.md)."""
