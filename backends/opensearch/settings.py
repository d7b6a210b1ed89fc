"""Where the cluster is and how to talk to it, read from the environment.

One dataclass so the web service, the indexer and the tests build clients the
same way; nothing here opens a connection.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from backends.base import BackendError

#: Index and alias names OpenSearch accepts and that cannot be mistaken for a pattern.
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,100}$")
_TRUE = {"1", "true", "yes", "on"}


class SettingsError(BackendError, ValueError):
    """An ``OPENSEARCH_*`` value that cannot work; the message names the variable.

    Also a ``ValueError``, so configuration code catching bad values catches it.
    """


_FALSE = {"0", "false", "no", "off"}


def _flag(name: str, raw: str | None, default: bool) -> bool:
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


@dataclass(frozen=True)
class OpenSearchSettings:
    """Connection settings; ``urls`` lists every node so a dead one is routed around.

    ``index`` is the *alias* readers and writers use; the concrete indices
    behind it are named ``<index>-<UTC timestamp>-<random>``, so the alias name
    must be lowercase letters, digits and ``_`` (no ``-``, which would make the
    alias match its own concrete-index pattern).
    """

    urls: tuple[str, ...]
    index: str = "news"
    user: str | None = None
    password: str | None = None
    ca_certs: str | None = None
    verify_certs: bool = True
    client_cert: str | None = None
    client_key: str | None = None
    #: Seconds per HTTP request (searches pass their own shorter budget to the server).
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if not self.urls:
            raise SettingsError("OPENSEARCH_URL is empty: give the cluster's node URLs, comma-separated")
        for url in self.urls:
            if not re.match(r"^https?://[^/\s]+/?$", url):
                raise SettingsError(f"OPENSEARCH_URL entry {url!r} is not http(s)://host:port")
        if not _NAME_RE.match(self.index):
            raise SettingsError(
                f"OPENSEARCH_INDEX {self.index!r} must be lowercase letters, digits and '_' (it is an alias; "
                "concrete indices are named <alias>-<timestamp>-<random>)"
            )
        if (self.user is None) != (self.password is None):
            raise SettingsError("set both OPENSEARCH_USER and OPENSEARCH_PASSWORD, or neither")
        if self.client_key and not self.client_cert:
            raise SettingsError("OPENSEARCH_CLIENT_KEY needs OPENSEARCH_CLIENT_CERT")
        if self.timeout <= 0:
            raise SettingsError("OPENSEARCH_TIMEOUT must be a positive number of seconds")

    @property
    def display_urls(self) -> str:
        """The node URLs for messages (never the credentials)."""
        return ", ".join(self.urls)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OpenSearchSettings:
        """Read ``OPENSEARCH_*``; ``OPENSEARCH_URL`` is required."""
        env = os.environ if env is None else env
        raw_urls = env.get("OPENSEARCH_URL", "")
        urls = tuple(u.strip().rstrip("/") for u in raw_urls.split(",") if u.strip())
        if not urls:
            raise SettingsError(
                "OPENSEARCH_URL is not set: e.g. OPENSEARCH_URL=http://127.0.0.1:9200,http://127.0.0.1:9201"
            )
        raw_timeout = env.get("OPENSEARCH_TIMEOUT", "").strip()
        try:
            timeout = float(raw_timeout) if raw_timeout else 30.0
        except ValueError:
            raise SettingsError(f"OPENSEARCH_TIMEOUT must be seconds, not {raw_timeout!r}") from None
        return cls(
            urls=urls,
            index=env.get("OPENSEARCH_INDEX", "").strip() or "news",
            user=env.get("OPENSEARCH_USER") or None,
            password=env.get("OPENSEARCH_PASSWORD") or None,
            ca_certs=env.get("OPENSEARCH_CA_CERTS") or None,
            verify_certs=_flag("OPENSEARCH_VERIFY_CERTS", env.get("OPENSEARCH_VERIFY_CERTS"), True),
            client_cert=env.get("OPENSEARCH_CLIENT_CERT") or None,
            client_key=env.get("OPENSEARCH_CLIENT_KEY") or None,
            timeout=timeout,
        )
