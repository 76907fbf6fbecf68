"""Alembic migrations, shipped inside the package so that an installed OMS can upgrade its database."""
