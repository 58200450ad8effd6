"""Roth Room's pure core: cited IRS figures, the after-tax room calculator, checklist rules and articles.

Nothing here imports Discord or does I/O beyond reading the package's own data files.
"""
