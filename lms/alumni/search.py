"""Directory search: words through the database's full-text index, filters and their counts
through an in-memory index of the listed alumni's filter values.

Counting, for every filter value, how many of 15,000 matches have it means grouping some
130,000 rows per search, which takes SQLite and PostgreSQL 100-200 ms at 100,000 alumni. Each
app process therefore keeps one bitmap of user ids per filter value (a few MB at 100,000
alumni), so a filter is an AND of bitmaps and a count a popcount. The bitmaps are built from
`alumni_facets` and kept exact: every directory change bumps a version and logs whose entry
changed (lms/alumni/directory.py, in the same transaction), and each search first reads the
version and re-reads the entries that changed since its last look. Only listed alumni are in
those tables, so a hidden profile cannot be counted.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, insort
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, text

from lms import paging
from lms.alumni import text as search_text
from lms.alumni.models import AlumniFacet, AlumniListing, DirectoryChange, DirectoryState
from lms.extensions import db

PAGE_SIZE = 25
FACETS = ("region", "country", "theme", "cohort", "year", "language", "exchange")
# Past this many changed entries since the last look, rebuilding is quicker than patching
# (and the change log only keeps the last CHANGES_KEPT versions).
REBUILD_AFTER = 2_000
CHANGES_KEPT = 50_000
# Up to this many matches the page is found by sorting the matches; above it by walking the
# alphabetical list until the page is full.
SORT_MATCHES_UP_TO = 3_000


@dataclass(frozen=True)
class Filters:
    """The directory's filters; each is a value of its facet, or None."""

    region: str | None = None
    country: str | None = None
    theme: str | None = None
    cohort: str | None = None
    year: str | None = None
    language: str | None = None
    exchange: str | None = None

    def active(self) -> dict[str, str]:
        return {name: value for name in FACETS if (value := getattr(self, name))}


@dataclass
class Results:
    total: int
    page: int
    pages: int
    alumni: list[AlumniListing]
    counts: dict[str, dict[str, int]]


def _set_bit(bitmap: bytearray, user_id: int) -> None:
    byte = user_id >> 3
    if byte >= len(bitmap):
        bitmap.extend(bytes(byte + 1 - len(bitmap) + 1024))
    bitmap[byte] |= 1 << (user_id & 7)


def _user_ids(bits: int) -> list[int]:
    """The user ids in a bitmap, in increasing order."""
    found = []
    raw = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for position, byte in enumerate(raw):
        while byte:
            low = byte & -byte
            found.append(position * 8 + low.bit_length() - 1)
            byte ^= low
    return found


class FacetIndex:
    """One process's bitmaps of the listed alumni's filter values, and their names' order."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version = -1
        self.bitmaps: dict[tuple[str, str], bytearray] = {}
        self.values: dict[int, set[tuple[str, str]]] = {}  # user id -> their facet values
        self.sort_keys: dict[int, tuple[str, int]] = {}
        self.order: list[tuple[str, int]] = []  # (folded name, user id), alphabetical
        self.listed = bytearray()
        # Bitmaps as ints, cached: only for values in `bitmaps` (and None), never for a value
        # a query string names, so the cache is as bounded as the directory's own values.
        self._numbers: dict[tuple[str, str] | None, int] = {}

    # --- keeping up with the database ----------------------------------------------------------

    def sync(self) -> None:
        """Bring the index up to date with the committed directory (exact after this call)."""
        current = db.session.scalar(select(DirectoryState.version).where(
            DirectoryState.id == 1)) or 0
        if current == self.version:
            return
        with self.lock:
            if current == self.version:
                return
            if self.version < 0 or current - self.version > REBUILD_AFTER \
                    or current < self.version:
                self._rebuild(current)
                return
            changed = set(db.session.scalars(select(DirectoryChange.user_id).where(
                DirectoryChange.version > self.version, DirectoryChange.version <= current)))
            self._reload(changed)
            self.version = current

    def _rebuild(self, version: int) -> None:
        self.bitmaps, self.values, self.sort_keys = {}, {}, {}
        self.listed = bytearray()
        for user_id, sort_name in db.session.execute(
                select(AlumniListing.user_id, AlumniListing.sort_name)):
            self.sort_keys[user_id] = (sort_name, user_id)
            _set_bit(self.listed, user_id)
        self.order = sorted(self.sort_keys.values())
        for facet, value, user_id in db.session.execute(
                select(AlumniFacet.facet, AlumniFacet.value, AlumniFacet.user_id)):
            key = (facet, value)
            self.values.setdefault(user_id, set()).add(key)
            _set_bit(self.bitmaps.setdefault(key, bytearray()), user_id)
        self._numbers = {}
        self.version = version

    def _reload(self, user_ids: set[int]) -> None:
        """Forget these people, then read back whatever the database now lists about them."""
        emptied: set[tuple[str, str]] = set()
        for user_id in user_ids:
            byte, bit = user_id >> 3, 1 << (user_id & 7)
            for key in self.values.pop(user_id, ()):
                self.bitmaps[key][byte] &= ~bit
                self._numbers.pop(key, None)
                emptied.add(key)
            if byte < len(self.listed):
                self.listed[byte] &= ~bit
            old = self.sort_keys.pop(user_id, None)
            if old is not None:
                del self.order[bisect_left(self.order, old)]
        ids = sorted(user_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for user_id, sort_name in db.session.execute(
                    select(AlumniListing.user_id, AlumniListing.sort_name)
                    .where(AlumniListing.user_id.in_(chunk))):
                self.sort_keys[user_id] = (sort_name, user_id)
                insort(self.order, (sort_name, user_id))
                _set_bit(self.listed, user_id)
            for facet, value, user_id in db.session.execute(
                    select(AlumniFacet.facet, AlumniFacet.value, AlumniFacet.user_id)
                    .where(AlumniFacet.user_id.in_(chunk))):
                key = (facet, value)
                self.values.setdefault(user_id, set()).add(key)
                _set_bit(self.bitmaps.setdefault(key, bytearray()), user_id)
                self._numbers.pop(key, None)
        # A value nobody holds any more loses its bitmap: only values in the data have one.
        for key in emptied:
            if not any(self.bitmaps[key]):
                del self.bitmaps[key]
        self._numbers.pop(None, None)

    # --- answering ------------------------------------------------------------------------------

    def number(self, key: tuple[str, str] | None) -> int:
        """A bitmap as an int (None: everyone listed; a value nobody holds: 0)."""
        found = self._numbers.get(key)
        if found is None:
            if key is not None and key not in self.bitmaps:
                # A filter value from a query string that no listed alumnus holds: nothing
                # matches, and nothing is stored (any text can arrive here).
                return 0
            bitmap = self.listed if key is None else self.bitmaps[key]
            found = self._numbers[key] = int.from_bytes(bitmap, "little")
        return found

    def entries(self) -> int:
        """How many filter values the index holds (bitmaps and cached ints): bounded by the
        directory's data, whatever searches ask for."""
        return len(self.bitmaps) + len(self._numbers)

    def counts(self, matching: int) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        for key in self.bitmaps:
            number = (self.number(key) & matching).bit_count()
            if number:
                counts[key[0]][key[1]] = number
        return counts

    def page(self, matching: int, total: int, page: int) -> list[int]:
        """The user ids on a page of matches, alphabetically."""
        wanted = page * PAGE_SIZE
        if total <= SORT_MATCHES_UP_TO:
            ids = [user_id for user_id in _user_ids(matching) if user_id in self.sort_keys]
            ids.sort(key=self.sort_keys.__getitem__)
            return ids[wanted - PAGE_SIZE:wanted]
        raw = matching.to_bytes((matching.bit_length() + 7) // 8, "little")
        size = len(raw)
        found: list[int] = []
        for _, user_id in self.order:
            byte = user_id >> 3
            if byte < size and raw[byte] >> (user_id & 7) & 1:
                found.append(user_id)
                if len(found) == wanted:
                    break
        return found[wanted - PAGE_SIZE:]


def facet_index() -> FacetIndex:
    """This app's index (one per process and app)."""
    index = current_app.extensions.get("lms.alumni_index")
    if index is None:
        index = current_app.extensions.setdefault("lms.alumni_index", FacetIndex())
    return index


def _text_matches(terms: list[str]) -> list[int]:
    """Listed alumni whose document holds every word (the last one as a prefix)."""
    if db.session.get_bind().dialect.name == "postgresql":
        statement = text(
            "SELECT user_id FROM alumni_listings WHERE to_tsvector('simple'::regconfig, "
            "document) @@ to_tsquery('simple'::regconfig, :words)").bindparams(
            words=search_text.tsquery(terms))
    else:
        statement = text("SELECT rowid FROM alumni_search WHERE alumni_search MATCH :words"
                         ).bindparams(words=search_text.fts5_query(terms))
    return list(db.session.scalars(statement))


def search(query: str, filters: Filters, page: int = 1) -> Results:
    """Listed alumni matching the words and every filter, 25 a page by name, with how many of
    them have each filter value."""
    index = facet_index()
    index.sync()
    terms = search_text.query_words(query)
    found = bytearray()
    if terms:
        for user_id in _text_matches(terms):
            _set_bit(found, user_id)
    with index.lock:
        matching = index.number(None)
        for facet, value in filters.active().items():
            matching &= index.number((facet, value))
        if terms:
            matching &= int.from_bytes(found, "little")
        total = matching.bit_count()
        pages = paging.page_count(total, PAGE_SIZE)
        page = paging.within(page, total, PAGE_SIZE)
        ids = index.page(matching, total, page) if total else []
        counts = index.counts(matching)
    listings = {listing.user_id: listing for listing in db.session.scalars(
        select(AlumniListing).where(AlumniListing.user_id.in_(ids)))} if ids else {}
    return Results(total=total, page=page, pages=pages,
                   alumni=[listings[user_id] for user_id in ids if user_id in listings],
                   counts=counts)
