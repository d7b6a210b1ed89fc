"""The client, and the one place where transport failures become contract errors.

Every call to the cluster goes through :func:`guard` (and search-like answers
through :func:`check_shards`), so a dead cluster, a 5xx or a shard failure is
always :class:`IndexUnavailable` — a 503 with ``Retry-After`` — and never an
empty result presented as real.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import (
    AuthenticationException,
    AuthorizationException,
    ConflictError,
    ConnectionError,
    NotFoundError,
    TransportError,
)

from backends.base import BackendError, IndexUnavailable, QueryTooLarge
from backends.opensearch.settings import OpenSearchSettings

log = logging.getLogger(__name__)

#: Seconds a client should wait after a transient cluster failure.
RETRY_AFTER = 2


def make_client(settings: OpenSearchSettings) -> OpenSearch:
    """A client over every node: a refused or timed-out node is retried on the next one."""
    kwargs: dict[str, Any] = {
        "hosts": list(settings.urls),
        "timeout": settings.timeout,
        "max_retries": 3,
        "retry_on_timeout": True,
        "retry_on_status": (502, 503, 504),
        "verify_certs": settings.verify_certs,
        "http_compress": False,
    }
    if any(u.startswith("https://") for u in settings.urls):
        kwargs["use_ssl"] = True
        if not settings.verify_certs:
            kwargs["ssl_show_warn"] = False
            kwargs["ssl_assert_hostname"] = False
    if settings.user is not None:
        kwargs["http_auth"] = (settings.user, settings.password)
    if settings.ca_certs:
        kwargs["ca_certs"] = settings.ca_certs
    if settings.client_cert:
        kwargs["client_cert"] = settings.client_cert
    if settings.client_key:
        kwargs["client_key"] = settings.client_key
    return OpenSearch(**kwargs)


def error_reason(exc: TransportError) -> str:
    """The server's own reason when it gave one (``root_cause[0].reason``), else the error text."""
    info = exc.info if isinstance(exc.info, Mapping) else {}
    err = info.get("error")
    if isinstance(err, Mapping):
        causes = err.get("root_cause") or []
        first = causes[0] if causes and isinstance(causes[0], Mapping) else err
        return f"{first.get('type', '')}: {first.get('reason', '')}".strip(": ")
    if isinstance(err, str):
        return err
    return str(exc.error) if exc.error else str(exc)


@contextmanager
def guard(settings: OpenSearchSettings, what: str) -> Iterator[None]:
    """Turn transport failures of ``what`` into :class:`IndexUnavailable` / :class:`BackendError`.

    Unreachable nodes, 5xx and 429 (overload) are conditions of the server:
    :class:`IndexUnavailable` with a short ``retry_after``. Refused credentials
    are a configuration problem of this service, still unavailable but with a
    longer wait. Any other 4xx is a bug on our side: :class:`BackendError`
    with the server's reason.
    """
    try:
        yield
    except (NotFoundError, ConflictError):
        raise  # answers, not failures: "no such document/index", "someone else wrote first"
    except ConnectionError as exc:  # includes ConnectionTimeout and SSLError
        log.warning("OpenSearch unreachable during %s: %s", what, exc)
        raise IndexUnavailable(
            f"cannot reach OpenSearch at {settings.display_urls} ({what}: {type(exc).__name__})",
            retry_after=RETRY_AFTER,
        ) from exc
    except (AuthenticationException, AuthorizationException) as exc:
        raise IndexUnavailable(
            f"OpenSearch at {settings.display_urls} refused {what}: {error_reason(exc)} "
            "(check OPENSEARCH_USER / OPENSEARCH_PASSWORD / client certificate)",
            retry_after=30,
        ) from exc
    except TransportError as exc:
        status = exc.status_code if isinstance(exc.status_code, int) else 0
        reason = error_reason(exc)
        if "too_many" in reason and "clauses" in reason:  # a 500, but our query's fault, not the server's
            raise QueryTooLarge(f"OpenSearch refused {what}: query too large ({reason})") from exc
        if status >= 500 or status == 429 or status == 0:
            log.warning("OpenSearch failed %s: %s %s", what, status, error_reason(exc))
            raise IndexUnavailable(
                f"OpenSearch failed {what}: {status} {error_reason(exc)}", retry_after=RETRY_AFTER
            ) from exc
        raise BackendError(f"OpenSearch rejected {what}: {status} {error_reason(exc)}") from exc


def check_shards(resp: Mapping[str, Any], what: str) -> None:
    """A search answered by only some shards is not a real answer: raise :class:`IndexUnavailable`."""
    shards = resp.get("_shards") or {}
    failed = int(shards.get("failed") or 0)
    if failed > 0:
        failures = shards.get("failures") or []
        reason = ""
        if failures and isinstance(failures[0], Mapping):
            r = failures[0].get("reason") or {}
            reason = f": {r.get('type', '')} {r.get('reason', '')}".rstrip() if isinstance(r, Mapping) else f": {r}"
        raise IndexUnavailable(
            f"{what}: {failed} of {shards.get('total', '?')} shards failed{reason}", retry_after=RETRY_AFTER
        )


def ping(client: OpenSearch, settings: OpenSearchSettings) -> dict[str, Any]:
    """The cluster's ``GET /`` answer; raises a clear "cannot reach OpenSearch at …" when it cannot."""
    with guard(settings, "connect"):
        info = client.info()
    version = str(info.get("version", {}).get("number", "?"))
    log.debug("connected to OpenSearch %s at %s", version, settings.display_urls)
    return dict(info)
