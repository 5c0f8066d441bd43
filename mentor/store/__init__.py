"""Persistence: schema, migrations, the single writer and threaded reads."""

from mentor.store.database import Database, create_engine, migrate
from mentor.store.reader import StoreReader
from mentor.store.writer import FencedOut, StoreError, StoreWriter, WriteOp

__all__ = ["Database", "FencedOut", "StoreError", "StoreReader", "StoreWriter", "WriteOp", "create_engine", "migrate"]
