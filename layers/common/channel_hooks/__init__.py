"""Channel web hooks: models, domain rules and storage shared by the functions."""
