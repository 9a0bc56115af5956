"""Talking to the coach's calendar servers: an iCalendar subscription (one GET), and the few
CalDAV requests CoachPro needs (RFC 4791, RFC 6578), over `requests`.

Why not the `caldav` package: its sync loads each changed event with a request of its own
(10,000 requests for a big calendar's first read), and it has no ctag. Here a first read is
one time-limited calendar-query, a later one a ctag check and, when something changed, one
sync-collection and one calendar-multiget.

Every address is checked before it is used: http(s) only, https unless the server allows
private addresses, and (unless it does) no host on a private, loopback or link-local network,
so a calendar address cannot be used to reach what sits behind CoachPro's firewall.
Redirects are followed by hand, each new address checked the same way.
"""

import ipaddress
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, unquote, urljoin, urlsplit
from xml.etree import ElementTree

import defusedxml.ElementTree as SafeXML
import requests

TIMEOUT = (5, 20)  # seconds to connect, seconds between bytes
MAX_BYTES = 25 * 1024 * 1024  # a calendar bigger than this is refused, not read
MAX_REDIRECTS = 3

_DAV = "DAV:"
_CALDAV = "urn:ietf:params:xml:ns:caldav"
_CS = "http://calendarserver.org/ns/"


class CalendarProblem(Exception):
    """Why a calendar could not be read or written; `code` is one of PROBLEMS."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


PROBLEMS = (
    "address",  # not an address CoachPro may fetch
    "unreachable",  # no answer, refused, timed out, bad TLS
    "login",  # 401/403: the user name or password is wrong
    "missing",  # 404/410
    "not_calendar",  # an answer, but not iCalendar / not a calendar collection
    "too_big",
    "server",  # any other error status
)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: requests.structures.CaseInsensitiveDict
    content: bytes


@dataclass(frozen=True)
class Login:
    username: str
    password: str


@dataclass
class Fetched:
    """A subscription's document, or None when the server said it has not changed."""

    body: bytes | None
    etag: str | None
    last_modified: str | None


@dataclass
class CollectionState:
    name: str | None
    ctag: str | None
    sync_token: str | None


@dataclass
class Changes:
    """What a sync-collection or calendar-query found: documents by their address, and the
    addresses that were removed."""

    documents: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    sync_token: str | None = None


def normal_address(url: str) -> str:
    """The address as CoachPro keeps it: webcal:// is https:// (Apple and Google hand it
    out), surrounding space dropped."""
    url = url.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    return url


def check_address(url: str, *, allow_private: bool) -> None:
    """Raise CalendarProblem("address") unless CoachPro may fetch `url`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise CalendarProblem("address", "not an http(s) address")
    if parts.username or parts.password:
        raise CalendarProblem("address", "a password belongs in its own field")
    if allow_private:
        return
    if scheme != "https":
        raise CalendarProblem("address", "only https")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise CalendarProblem("unreachable", f"no such host: {parts.hostname}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise CalendarProblem("address", "a private network address")


def _request(
    method: str,
    url: str,
    *,
    allow_private: bool,
    login: Login | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Reply:
    """One request, redirects followed by hand (each address checked), the body read up to
    MAX_BYTES. Network failures and error statuses become CalendarProblem."""
    auth = (login.username, login.password) if login else None
    for _hop in range(MAX_REDIRECTS + 1):
        check_address(url, allow_private=allow_private)
        try:
            response = requests.request(
                method,
                url,
                headers=headers,
                data=body,
                auth=auth,
                timeout=TIMEOUT,
                allow_redirects=False,
                stream=True,
            )
            if response.is_redirect and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                response.close()
                continue
            content = bytearray()
            for chunk in response.iter_content(64 * 1024):
                content += chunk
                if len(content) > MAX_BYTES:
                    response.close()
                    raise CalendarProblem("too_big", f"more than {MAX_BYTES // 2**20} MB")
        except requests.RequestException as exc:
            raise CalendarProblem("unreachable", type(exc).__name__) from exc
        reply = Reply(response.status_code, response.headers, bytes(content))
        _raise_for(reply)
        return reply
    raise CalendarProblem("unreachable", "too many redirects")


def _raise_for(reply: Reply) -> None:
    status = reply.status
    if status in (401, 403):
        raise CalendarProblem("login", f"HTTP {status}")
    if status in (404, 410):
        raise CalendarProblem("missing", f"HTTP {status}")
    if status >= 400:
        raise CalendarProblem("server", f"HTTP {status}")


# ---------------------------------------------------------------- subscriptions


def fetch_subscription(
    url: str, *, etag: str | None, last_modified: str | None, allow_private: bool
) -> Fetched:
    """GET the document, conditionally when the last answer carried an ETag or date."""
    headers = {"Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    response = _request("GET", url, allow_private=allow_private, headers=headers)
    if response.status == 304:
        return Fetched(None, etag, last_modified)
    if b"BEGIN:VCALENDAR" not in response.content[:4096].upper():
        raise CalendarProblem("not_calendar", "the answer is not an iCalendar document")
    return Fetched(
        response.content, response.headers.get("ETag"), response.headers.get("Last-Modified")
    )


# ---------------------------------------------------------------- CalDAV


def collection_state(url: str, login: Login, *, allow_private: bool) -> CollectionState:
    """PROPFIND the collection: its name, ctag and sync-token; refuses a non-calendar."""
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="{_DAV}" '
        f'xmlns:cs="{_CS}" xmlns:c="{_CALDAV}"><d:prop><d:displayname/><d:resourcetype/>'
        "<cs:getctag/><d:sync-token/></d:prop></d:propfind>"
    ).encode()
    response = _request(
        "PROPFIND", url, allow_private=allow_private, login=login, body=body, headers=_xml(0)
    )
    root = _multistatus(response)
    found = root.find(f"{{{_DAV}}}response")
    if found is None:
        raise CalendarProblem("not_calendar", "no answer for the collection")
    props = _ok_props(found)
    kinds = props.get("resourcetype")
    if kinds is None or kinds.find(f"{{{_CALDAV}}}calendar") is None:
        raise CalendarProblem("not_calendar", "the address is not a calendar collection")
    return CollectionState(
        name=_text(props.get("displayname")),
        ctag=_text(props.get("getctag")),
        sync_token=_text(props.get("sync-token")),
    )


def events_between(
    url: str, login: Login, start: datetime, end: datetime, *, allow_private: bool
) -> Changes:
    """Every event resource with an instance between the two instants (a calendar-query the
    server filters: years of history are not sent)."""
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><c:calendar-query xmlns:d="{_DAV}" '
        f'xmlns:c="{_CALDAV}"><d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter>'
        '<c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">'
        f'<c:time-range start="{_utc(start)}" end="{_utc(end)}"/>'
        "</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>"
    ).encode()
    return _documents(_report(url, login, body, allow_private=allow_private), url)


def changes_since(url: str, login: Login, token: str, *, allow_private: bool) -> Changes:
    """What changed since `token` (RFC 6578): removed addresses, and the changed events'
    documents in one multiget. Raises CalendarProblem("server") for a token the server
    no longer knows (the caller reads everything again)."""
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="{_DAV}">'
        f"<d:sync-token>{_escape(token)}</d:sync-token><d:sync-level>1</d:sync-level>"
        "<d:prop><d:getetag/></d:prop></d:sync-collection>"
    ).encode()
    root = _report(url, login, body, allow_private=allow_private)
    changes = Changes(sync_token=_text(root.find(f"{{{_DAV}}}sync-token")))
    changed = []
    for item in root.findall(f"{{{_DAV}}}response"):
        href = _href(item, url)
        if href is None or href.rstrip("/") == _path(url).rstrip("/"):  # the collection
            continue
        status = _text(item.find(f"{{{_DAV}}}status")) or ""
        if " 404" in status or " 410" in status:
            changes.removed.add(href)
        else:
            changed.append(href)
    if changed:
        fetched = _multiget(url, login, changed, allow_private=allow_private)
        changes.documents = fetched.documents
        changes.removed |= fetched.removed
    return changes


def _multiget(url: str, login: Login, hrefs: list[str], *, allow_private: bool) -> Changes:
    listed = "".join(f"<d:href>{_escape(quote(h, safe='/@:~'))}</d:href>" for h in hrefs)
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><c:calendar-multiget xmlns:d="{_DAV}" '
        f'xmlns:c="{_CALDAV}"><d:prop><d:getetag/><c:calendar-data/></d:prop>{listed}'
        "</c:calendar-multiget>"
    ).encode()
    return _documents(_report(url, login, body, allow_private=allow_private), url)


def put_event(url: str, login: Login, uid: str, document: bytes, *, allow_private: bool) -> None:
    """Create or replace the event whose UID is `uid`, at an address made from it."""
    _request(
        "PUT",
        event_address(url, uid),
        allow_private=allow_private,
        login=login,
        body=document,
        headers={"Content-Type": "text/calendar; charset=utf-8"},
    )


def delete_event(url: str, login: Login, uid: str, *, allow_private: bool) -> None:
    """Remove the event; one that is already gone is fine."""
    try:
        _request("DELETE", event_address(url, uid), allow_private=allow_private, login=login)
    except CalendarProblem as problem:
        if problem.code != "missing":
            raise


def event_address(url: str, uid: str) -> str:
    """<collection>/<uid>.ics, the UID's unusual characters replaced (an address is not
    an identity: the UID inside is)."""
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in uid)
    return url.rstrip("/") + "/" + quote(name) + ".ics"


# ---------------------------------------------------------------- XML


def _report(url: str, login: Login, body: bytes, *, allow_private: bool) -> ElementTree.Element:
    """A REPORT on the collection's members (Depth: 1), its multistatus parsed."""
    return _multistatus(
        _request("REPORT", url, allow_private=allow_private, login=login, body=body,
                 headers=_xml(1))
    )  # fmt: skip


def _xml(depth: int) -> dict[str, str]:
    return {"Content-Type": "application/xml; charset=utf-8", "Depth": str(depth)}


def _multistatus(response: Reply) -> ElementTree.Element:
    if response.status != 207:
        raise CalendarProblem("not_calendar", f"HTTP {response.status}, not 207")
    try:
        # Someone else's server: no entities, no external references.
        return SafeXML.fromstring(response.content)
    except (ElementTree.ParseError, SafeXML.DefusedXmlException) as exc:
        raise CalendarProblem("not_calendar", "the answer is not XML") from exc


def _ok_props(item: ElementTree.Element) -> dict[str, ElementTree.Element]:
    props = {}
    for propstat in item.findall(f"{{{_DAV}}}propstat"):
        if " 200" not in (_text(propstat.find(f"{{{_DAV}}}status")) or ""):
            continue
        prop = propstat.find(f"{{{_DAV}}}prop")
        for child in prop if prop is not None else ():
            props[child.tag.rpartition("}")[2]] = child
    return props


def _documents(root: ElementTree.Element, url: str) -> Changes:
    changes = Changes()
    for item in root.findall(f"{{{_DAV}}}response"):
        href = _href(item, url)
        if href is None:
            continue
        status = _text(item.find(f"{{{_DAV}}}status")) or ""
        if " 404" in status or " 410" in status:
            changes.removed.add(href)
            continue
        data = _text(_ok_props(item).get("calendar-data"))
        if data:
            changes.documents[href] = data.encode()
    return changes


def _href(item: ElementTree.Element, url: str) -> str | None:
    href = _text(item.find(f"{{{_DAV}}}href"))
    return _path(urljoin(url, href)) if href else None


def _path(url: str) -> str:
    """An address as a server-relative path, %-escapes undone: hrefs compare equal however
    the server wrote them."""
    return unquote(urlsplit(url).path)


def _text(element: ElementTree.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


__all__ = [
    "PROBLEMS",
    "CalendarProblem",
    "Changes",
    "CollectionState",
    "Fetched",
    "Login",
    "changes_since",
    "check_address",
    "collection_state",
    "delete_event",
    "event_address",
    "events_between",
    "fetch_subscription",
    "normal_address",
    "put_event",
]
