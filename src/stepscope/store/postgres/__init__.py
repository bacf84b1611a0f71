"""The shared engine: PostgreSQL for teams, behind several stateless server replicas."""

from stepscope.store.postgres.store import PostgresStore

__all__ = ["PostgresStore"]
