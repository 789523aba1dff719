"""What the bench scripts share: creating their own PostgreSQL database when it is missing."""

from __future__ import annotations

from urllib.parse import urlparse


def ensure_postgres_database(database_url: str) -> bool:
    """Create the database named in `database_url` (connecting to `postgres`); True if created."""
    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True
