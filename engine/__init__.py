"""通販カルテ engine: all diagnosis and analysis logic, pure Python, no UI.

Sub-modules own one job each; `python -m engine` exposes them on the command line.
"""
