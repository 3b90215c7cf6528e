"""ExportsFunction: Excel export templates and exports, order sheets (HTML and PDF)."""
