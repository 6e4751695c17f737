"""Container images: how a reference names one (reference.py) and what well-known images do when run (catalog.py)."""
