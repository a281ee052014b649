"""Pure rules of the catalogue: periods and windows, the legal calendar and deadlines, form checks."""
