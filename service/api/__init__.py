"""The HTTP API: the app factory, schemas, one router per resource, the auth dependencies
(`deps.Caller`, `deps.Submitter`, `deps.Admin`: reuse them in other routers, e.g. the web page's)."""

from offduty.service.api.app import create_app

__all__ = ["create_app"]
