"""Stable keys of records that travel in the exchange format (docs/exchange.md, version 2).

A row made in Veiviser gets a generated key; a row read from a file keeps the file's `id`."""

import uuid


def new_key() -> str:
    return f"vv-{uuid.uuid4().hex}"
