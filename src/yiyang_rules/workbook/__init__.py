"""Excel workbooks in and out: the template, the tolerant reader and the exporter.

The submodules that read or write files import openpyxl; import them only where a workbook is
used, so that checking JSON never pays for it.
"""
