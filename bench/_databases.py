"""What the benchmarks share: a throwaway PostgreSQL database (not a benchmark itself: `make
bench` runs only the files whose names do not start with an underscore)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def throwaway_postgres(server_url: str) -> Iterator[str | None]:
    """A new database on the server for this run, dropped afterwards; None if none answers."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    server = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"lms_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OperationalError as error:
        admin.dispose()
        print(f"PostgreSQL: not reachable at {server_url} ({str(error).splitlines()[0]})")
        yield None
        return
    try:
        yield server.set(database=name).render_as_string(hide_password=False).replace(
            "postgresql+psycopg://", "postgresql://", 1)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
