"""Spreadsheets: invoice (송장) workbooks. Needs the ``excel`` extra (openpyxl + defusedxml);
import only from the functions that use it."""
