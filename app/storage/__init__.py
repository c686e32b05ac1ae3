"""Storage: models, the SQLite engine and its PRAGMAs, migrations and backups."""
