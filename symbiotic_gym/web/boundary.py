"""Where an episode's browser may go: the navigation boundary (its rule and its one owner).

A :class:`Boundary` lists the origins a task may reach (``http://shop.embedded.test``, ``http://*.embedded.test``,
``http://127.0.0.1:7770``); ``about:blank`` is always allowed. Everything else is refused:

- URLs of the schemes that reach the machine or the browser itself (``file:``, ``chrome:``, ``devtools:``,
  ``javascript:``, ``data:``, ``view-source:``, ...) are refused before the browser is asked
  (:func:`refusal`), by the ``goto``/``new_tab`` actions and by a route on the context;
- requests to any other origin -- navigations, redirects, links, form posts, subresources, new tabs,
  favicons, WebSockets -- are answered by the env's boundary proxy (:mod:`symbiotic_gym.web.boundary_proxy`)
  with a "blocked" page, and never leave the machine.

Suites declare their tasks' origins (``allowed_origins()`` on the task object); ``SuiteOptions.allow_origins``
adds a user's own; :class:`symbiotic_gym.web.env.WebEnv` takes ``boundary=`` for direct use.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

# schemes an agent's URL may never use: local files, browser internals, script and inline documents
REFUSED_SCHEMES = frozenset(
    ("file", "chrome", "chrome-extension", "chrome-untrusted", "devtools", "javascript", "data", "view-source",
     "blob", "filesystem", "ftp", "ws", "wss")
)  # fmt: skip
DEFAULT_PORTS = {"http": 80, "https": 443}
BLOCK_HEADER = "X-Symbiotic-Blocked"


class BoundaryConfigError(ValueError):
    """An origin that cannot be part of a boundary (names the value and the expected form)."""


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str  # lower case; may start with "*." (any subdomain)
    port: int

    @classmethod
    def parse(cls, text: str) -> Origin:
        raw = text.strip()
        split = urllib.parse.urlsplit(raw if "://" in raw else f"http://{raw}")
        scheme = split.scheme.lower()
        host = (split.hostname or "").lower()
        if scheme not in DEFAULT_PORTS or not host:
            raise BoundaryConfigError(
                f"allowed origin {text!r}: expected scheme://host[:port] with http or https, e.g. "
                "'http://shop.embedded.test' or 'http://*.example.test:8080'"
            )
        try:
            port = split.port or DEFAULT_PORTS[scheme]
        except ValueError as err:
            raise BoundaryConfigError(f"allowed origin {text!r}: {err}") from err
        return cls(scheme, host, port)

    def matches(self, scheme: str, host: str, port: int) -> bool:
        if scheme != self.scheme or port != self.port:
            return False
        if self.host.startswith("*."):
            return host.endswith(self.host[1:]) and host != self.host[2:]
        return host == self.host

    def __str__(self) -> str:
        default = DEFAULT_PORTS[self.scheme] == self.port
        return f"{self.scheme}://{self.host}" + ("" if default else f":{self.port}")


@dataclass(frozen=True)
class Boundary:
    """The origins an episode may reach (see the module docstring)."""

    origins: tuple[Origin, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, origins: Iterable[str | Origin]) -> Boundary:
        parsed: list[Origin] = []
        for o in origins:
            origin = o if isinstance(o, Origin) else Origin.parse(o)
            if origin not in parsed:
                parsed.append(origin)
        return cls(tuple(parsed))

    def __add__(self, other: Boundary) -> Boundary:
        return Boundary.of([*self.origins, *other.origins])

    def allows(self, url: str) -> bool:
        split = urllib.parse.urlsplit(url)
        scheme = split.scheme.lower()
        if scheme == "about":
            return url in ("about:blank", "about:srcdoc")
        if scheme not in DEFAULT_PORTS:
            return False
        try:
            port = split.port or DEFAULT_PORTS[scheme]
        except ValueError:
            return False
        host = (split.hostname or "").lower()
        return any(o.matches(scheme, host, port) for o in self.origins)

    def describe(self) -> str:
        return ", ".join(str(o) for o in self.origins) or "(none)"

    def to_json(self) -> list[str]:
        return [str(o) for o in self.origins]


def refusal(url: str) -> str | None:
    """Why an agent may not open ``url`` at all (a refused scheme; an observation error that names it), or
    None. An http(s) URL outside the boundary is not refused here: the boundary proxy answers it."""
    scheme = urllib.parse.urlsplit(url.strip()).scheme.lower()
    if not scheme:
        return None  # not a URL: the browser's own error says so
    if scheme in REFUSED_SCHEMES:
        return f"Refused to open {url!r}: {scheme}: URLs are not allowed (only this task's web sites are)."
    return None


def blocked_message(url: str, boundary: Boundary) -> str:
    return f"Blocked {url!r}: it is outside this task's sites ({boundary.describe()})."
