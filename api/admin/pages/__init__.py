"""One module per admin page (or family of pages); each adds its routes to ``api.admin.blueprint.bp``."""
