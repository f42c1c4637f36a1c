"""The report: notebooks run with papermill, pages, provenance, and the safe swap-in."""
