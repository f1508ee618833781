"""Per-article analysis stages (language, metadata, entities, attributions, claims, ...)."""
