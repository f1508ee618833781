"""Serving what is stored: exports and reports (the web app lives in ``narratrace.web``)."""
