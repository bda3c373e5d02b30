"""Adding members from a CSV file: parse and preview first, write everything at once on confirm.

The file is `email,name,country,organisation` (a header line, then one person a line), UTF-8
with or without a byte-order mark, separated by commas or semicolons. Nothing is written until
the facilitator confirms the preview; the valid rows travel from the preview to the confirmation
in a signed field, so the server keeps no draft.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass

from email_validator import EmailNotValidError
from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from lms.accounts.models import User
from lms.cohorts import invitations
from lms.cohorts.models import Cohort, Membership
from lms.cohorts.services import CohortError
from lms.extensions import db
from lms.forms import email_address
from lms.i18n import is_country

COLUMNS = ("email", "name", "country", "organisation")
# An address with an account and one without are both INVITE: the preview must not tell them
# apart (nor must its signed token, which a facilitator can decode).
INVITE, MEMBER, ERROR = "invite", "member", "error"
FORMULA_STARTS = ("=", "+", "-", "@")
MAX_BYTES = 1_000_000
MAX_ROWS = 5_000
CONFIRM_MAX_AGE = 3600


@dataclass
class ImportRow:
    line: int
    email: str
    name: str
    country: str
    organisation: str
    status: str = INVITE
    message: str = ""


def preview(cohort: Cohort, data: bytes) -> list[ImportRow]:
    """Read the file and say, for each line, what confirming would do. Writes nothing."""
    rows = _read_rows(data)
    emails = [row.email for row in rows if row.status != ERROR]
    # Only members are told apart: the facilitator already sees them, having their consent.
    members = set(db.session.scalars(
        select(User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort.id, User.email.in_(emails)))) if emails else set()
    for row in rows:
        if row.status != ERROR and row.email in members:
            row.status, row.message = MEMBER, gettext("already a member")
    return rows


def _read_rows(data: bytes) -> list[ImportRow]:
    if len(data) > MAX_BYTES:
        raise CohortError(gettext("The file is too large: at most %(size)s MB, about %(rows)s "
                                  "people. Split it into smaller files.", size="1",
                                  rows=f"{MAX_ROWS:,}"), "file")
    if not data.strip():
        raise CohortError(gettext("The file is empty."), "file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CohortError(gettext("This is not a CSV file in UTF-8. Save it from your spreadsheet "
                                  "as \"CSV UTF-8\" and try again."), "file") from error
    if "\x00" in text:
        raise CohortError(gettext("This is not a CSV file in UTF-8. Save it from your spreadsheet "
                                  "as \"CSV UTF-8\" and try again."), "file")
    lines = text.splitlines()
    header_line = lines[0] if lines else ""
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise CohortError(gettext("The file could not be read as CSV."), "file") from error
    if tuple(header) != COLUMNS:
        raise CohortError(gettext("The first line must name the columns: %(expected)s "
                                  "(found: %(found)s).", expected=",".join(COLUMNS),
                                  found=",".join(header)[:120]), "file")
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise CohortError(gettext("The file has more than %(rows)s people. Split it into "
                                          "smaller files.", rows=f"{MAX_ROWS:,}"), "file")
            rows.append(_check_row(reader.line_num, cells, seen))
    except csv.Error as error:
        raise CohortError(gettext("The file could not be read as CSV (line %(line)d).",
                                  line=reader.line_num), "file") from error
    if not rows:
        raise CohortError(gettext("The file has column names but nobody in it."), "file")
    return rows


def _check_row(line: int, cells: list[str], seen: dict[str, int]) -> ImportRow:
    values = [cell.strip() for cell in cells]
    row = ImportRow(line, *(values + ["", "", "", ""])[:4])
    row.country = row.country.upper()
    problem = None
    if len(values) != len(COLUMNS):
        problem = gettext("expected 4 columns, found %(count)d", count=len(values))
    elif any(value.startswith(FORMULA_STARTS) for value in values):
        problem = gettext("a cell starts with = + - or @, like a spreadsheet formula")
    elif not row.name:
        problem = gettext("the name is missing")
    else:
        try:
            row.email = email_address(row.email).lower()
        except EmailNotValidError:
            problem = gettext("“%(email)s” is not a valid email address", email=row.email[:80])
        else:
            if row.email in seen:
                problem = gettext("the same email as line %(line)d", line=seen[row.email])
            elif row.country and not is_country(row.country):
                problem = gettext("unknown country code “%(code)s” (use two letters, like SN)",
                                  code=row.country[:10])
            elif len(row.name) > 120 or len(row.organisation) > 200:
                problem = gettext("the name or organisation is too long")
            seen.setdefault(row.email, line)
    if problem:
        row.status, row.message = ERROR, problem
    return row


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lms-cohort-import")


def sign(cohort: Cohort, rows: list[ImportRow]) -> str:
    """The rows confirming will write, signed for this cohort."""
    valid = [asdict(row) for row in rows if row.status == INVITE]
    return _serializer().dumps({"cohort": cohort.id, "rows": valid})


def confirm(cohort: Cohort, token: str, inviter: User, locale: str) -> int:
    """Invite every valid row in one transaction, then send the emails; returns how many were
    invited. Rows are checked again, since people may have joined between the preview and now.
    """
    try:
        payload = _serializer().loads(token, max_age=CONFIRM_MAX_AGE)
    except BadSignature as error:
        raise CohortError(gettext("This preview has expired. Upload the file again.")) from error
    if payload.get("cohort") != cohort.id:
        raise CohortError(gettext("This preview is for another cohort. Upload the file again."))
    rows = [ImportRow(**row) for row in payload["rows"]]
    invited: list[str] = []
    try:
        for row in rows:
            if invitations.invite(cohort, email=row.email, name=row.name, inviter=inviter,
                                  locale=locale, country=row.country or None,
                                  organisation=row.organisation):
                invited.append(row.email)
        for address in invited:
            invitations.send_invitation(cohort, address, inviter)
        db.session.commit()  # every invitation with its email, or none
    except Exception:
        db.session.rollback()
        raise
    return len(invited)
