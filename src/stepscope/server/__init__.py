"""The stepscope server: JSON API under ``/api/v1``, live events, the dashboard."""

from stepscope.server.app import create_app

__all__ = ["create_app"]
