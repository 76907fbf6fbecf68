"""Secrets the service makes for itself when the operator configures none.

The admin pages sign their session cookie with ``OMS_SECRET_KEY``; without
it, a random key is generated once per database and kept there, so that the
quick start works and every worker process of one service signs alike.
Never a key written in the code.
"""

from __future__ import annotations

import secrets

from sqlalchemy import insert, select

from oms.adapters import tables as t
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork

s = t.service_secrets.c


def service_secret(app: Oms, name: str) -> str:
    """The secret called ``name``, generated (64 hex digits) and stored the first time it is asked for."""

    def work(uow: UnitOfWork) -> str:
        found = uow.session.execute(select(s.value).where(s.name == name)).scalar()
        if found is not None:
            return found
        value = secrets.token_hex(32)
        uow.session.execute(insert(t.service_secrets).values(name=name, value=value, created_at=uow.now))
        uow.commit()  # two workers racing: the loser's insert fails, and its retry reads the winner's value
        return value

    return transact(app, work)
