"""``python -m api``: the ``oms`` command."""

from api.cli import main

if __name__ == "__main__":
    main()
