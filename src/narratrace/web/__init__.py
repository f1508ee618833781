"""The analyst's workbench: REST API and dashboard over a narratrace store.

``create_app(db_or_store, settings)`` builds the FastAPI application; ``serve`` runs it
with uvicorn (``narratrace serve``).
"""

from .app import create_app
from .server import serve

__all__ = ["create_app", "serve"]
