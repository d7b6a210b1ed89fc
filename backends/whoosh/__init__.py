"""The embedded engine: Whoosh index generations in a folder on this machine."""

from backends.whoosh.backend import WhooshBackend
from backends.whoosh.store import WhooshStore

__all__ = ["WhooshBackend", "WhooshStore"]
