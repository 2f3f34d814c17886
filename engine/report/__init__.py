"""Downloadable reports of a diagnosis: one self-contained HTML file and an Excel workbook.

`content.build` turns the loose report input (plain dicts / DataFrames, whatever sections
exist) into one `Report`; `html.render` and `xlsx.render` draw it; `svg` holds the charts.
"""
