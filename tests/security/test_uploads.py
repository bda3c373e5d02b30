"""Uploads: a CSV file over the size limit, of the wrong type or compressed to explode is
refused with a clear message, before it is read whole, and nothing is written.

The limit is Flask's MAX_CONTENT_LENGTH, enforced by Werkzeug on the request stream: a body that
says it is too large is refused unread, and one that does not say (chunked) is cut off at the
limit. Nothing on the way decompresses anything: not the file, not a gzip-encoded request.
"""

from __future__ import annotations

import gc
import gzip
import io
import warnings
import zipfile
import zlib
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from lms.accounts.models import Role, User
from lms.certificates import codes
from lms.certificates import services as certificates
from lms.cohorts import imports
from lms.cohorts.models import Membership
from lms.courses import services as courses
from lms.extensions import db
from tests.cohorts.helpers import COURSE, make_cohort
from tests.factories import make_user, sign_in_id

URL = "/cohorts/wb/members/import"
HEADER = b"email,name,country,organisation\n"
ROW = b"someone@example.org,Some One,SN,Ministry\n"
NOT_CSV = "This is not a CSV file in UTF-8"
TOO_LARGE = "The file is too large"
BOUNDARY = "----upload-boundary"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A facilitator of the cohort `wb`, signed in."""
    facilitator = make_user(Role.FACILITATOR)
    make_cohort(facilitators=[facilitator], slug="wb")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = sign_in_id(facilitator)
    return client


def upload(client: FlaskClient, content: bytes, name: str = "people.csv",
           **options: object) -> TestResponse:
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), name)})
    return client.post(URL, data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       **options)


def nothing_written() -> bool:
    db.session.commit()
    return (db.session.scalar(select(func.count()).select_from(Membership)) == 0
            and db.session.scalar(select(func.count()).select_from(User)) == 1)


@pytest.fixture
def no_decompression(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail if anything decompresses an upload during the request."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("something decompressed an upload")

    decompress = zlib.decompress

    def small_only(data: bytes, *args: object, **kwargs: object) -> bytes:
        # The session cookie is compressed (itsdangerous); it is never this large.
        if len(data) > 8192:
            refuse()
        return decompress(data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("zlib.decompress", small_only)
    for target in ("zlib.decompressobj", "gzip.decompress", "gzip.GzipFile.__init__",
                   "zipfile.ZipFile.__init__", "bz2.decompress", "bz2.BZ2Decompressor",
                   "lzma.decompress", "lzma.LZMADecompressor"):
        monkeypatch.setattr(target, refuse)
    yield


class EndlessBody(io.RawIOBase):
    """A multipart request body that never ends, counting what the server reads of it.

    `declared` is the size it claims (the test client asks a stream for its size by seeking
    to its end); reading never reaches an end.
    """

    def __init__(self, declared: int) -> None:
        super().__init__()
        self.head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
                     f"filename=\"people.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode() \
            + HEADER
        self.declared = declared
        self.position = 0
        self.served = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = self.declared if whence == 2 else offset
        return self.position

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size = len(buffer)
        data = (self.head[self.served:] + ROW * (size // len(ROW) + 1))[:size]
        buffer[:size] = data
        self.served += size
        return size


def endless_post(client: FlaskClient, body: EndlessBody, **options: object) -> TestResponse:
    return client.post(URL, input_stream=body,
                       content_type=f"multipart/form-data; boundary={BOUNDARY}", **options)


def test_the_limits_are_configured(app: Flask) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    assert imports.MAX_BYTES < app.config["MAX_CONTENT_LENGTH"]


def test_a_body_declared_too_large_is_refused_unread(client: FlaskClient) -> None:
    body = EndlessBody(declared=100 * 1024 * 1024)
    response = endless_post(client, body)
    assert response.status_code == 413
    assert TOO_LARGE in response.text and "at most 2 MB" in response.text
    assert body.served == 0
    assert nothing_written()


def test_a_chunked_body_is_cut_off_at_the_limit(app: Flask, client: FlaskClient) -> None:
    """No declared length (chunked, as a WSGI server hands it over): read up to the limit, then
    refused; never read to its end (it has none)."""
    body = EndlessBody(declared=0)
    with warnings.catch_warnings():
        # Werkzeug leaves the temporary file of the cut-off part to the garbage collector.
        warnings.simplefilter("ignore", ResourceWarning)
        response = endless_post(client, body, environ_overrides={
            "wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked",
            "CONTENT_LENGTH": ""})
        gc.collect()
    assert response.status_code == 413
    assert TOO_LARGE in response.text
    assert 0 < body.served <= app.config["MAX_CONTENT_LENGTH"] + 64 * 1024
    assert nothing_written()


def test_an_anonymous_upload_is_not_read_at_all(app: Flask) -> None:
    make_cohort(slug="wb")
    body = EndlessBody(declared=100 * 1024 * 1024)
    response = endless_post(app.test_client(), body)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert body.served == 0


def test_a_file_over_the_import_limit_gets_a_clear_message(client: FlaskClient) -> None:
    response = upload(client, HEADER + ROW * (imports.MAX_BYTES // len(ROW) + 10))
    assert response.status_code == 400
    assert "The file is too large: at most 1 MB" in response.text
    assert nothing_written()


def _zip(members: dict[str, bytes], level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    """100 MB of valid rows, compressed to about 100 KB: as a ZIP archive and as gzip (made
    before the test forbids decompressing, with the standard library's own writers)."""
    chunk = ROW * (1024 * 1024 // len(ROW))
    zipped, gzipped = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("people.csv", "w") as member:
        member.write(HEADER)
        for _ in range(100):
            member.write(chunk)
    with gzip.GzipFile(fileobj=gzipped, mode="wb") as stream:
        stream.write(HEADER)
        for _ in range(100):
            stream.write(chunk)
    return {"zip": zipped.getvalue(), "gzip": gzipped.getvalue()}


@pytest.mark.parametrize(("name", "content"), [
    ("people.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    ("people.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    ("people.csv", _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})),
    ("people.xlsx", _zip({"xl/workbook.xml": b"<workbook/>"})),
    ("people.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)),  # an old .xls
    ("people.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    ("people.csv", (HEADER + ROW).decode().encode("utf-16")),
    ("people.csv", bytes(range(256)) * 20),
])
def test_a_file_of_another_type_is_refused(client: FlaskClient, name: str,
                                           content: bytes) -> None:
    response = upload(client, content, name)
    assert response.status_code == 400
    assert NOT_CSV in response.text
    assert nothing_written()


def test_a_zip_bomb_is_not_opened(client: FlaskClient, bombs: dict[str, bytes],
                                  no_decompression: None) -> None:
    """An archive of 100 MB of valid rows, uploaded as the CSV file and as what it is."""
    assert len(bombs["zip"]) < imports.MAX_BYTES
    for name in ("people.csv", "people.zip"):
        response = upload(client, bombs["zip"], name)
        assert response.status_code == 400
        assert NOT_CSV in response.text
    assert nothing_written()


def test_a_gzip_bomb_is_not_opened(client: FlaskClient, bombs: dict[str, bytes],
                                   no_decompression: None) -> None:
    """The same rows gzipped: uploaded as the file, then as a gzip-encoded request body."""
    assert len(bombs["gzip"]) < imports.MAX_BYTES
    for name in ("people.csv", "people.csv.gz"):
        response = upload(client, bombs["gzip"], name)
        assert response.status_code == 400
        assert NOT_CSV in response.text
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(HEADER + ROW), "p.csv")})
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip
    response = client.post(URL, data=compressor.compress(body) + compressor.flush(),
                           headers={"Content-Encoding": "gzip"},
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert "Choose a CSV file." in response.text  # the encoded body is not read as a form
    assert nothing_written()


@pytest.mark.parametrize("content", [
    HEADER + b"a" * 900_000 + b"\n",  # one enormous line
    HEADER.rstrip() + b"," * 900_000 + b"\n" + ROW,  # a header with 900,000 columns
    HEADER + b'"' + b"x" * 900_000,  # a quoted cell that never closes
    b"x" * 900_000,  # no line break at all
])
def test_an_enormous_line_gets_a_clear_message(client: FlaskClient, content: bytes) -> None:
    response = upload(client, content)
    assert response.status_code == 400
    assert "could not be read as CSV" in response.text or "must name the columns" in \
        response.text
    assert len(response.data) < 100_000  # the line is not echoed back
    assert nothing_written()


def test_too_many_form_parts_are_refused(client: FlaskClient) -> None:
    fields: dict[str, object] = {f"field{number}": "x" for number in range(2_000)}
    boundary, body = encode_multipart({**fields, "file": FileStorage(io.BytesIO(HEADER + ROW),
                                                                     "people.csv")})
    response = client.post(URL, data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert TOO_LARGE in response.text


def test_the_verification_upload_has_the_same_limits(app: Flask, bombs: dict[str, bytes],
                                                     no_decompression: None) -> None:
    """The PDF a visitor checks on the verification page: too large is refused unread, and a
    compressed file is compared as it is."""
    learner = make_user()
    certificate = certificates.issue(learner, courses.get_course(COURSE), cohort=None,
                                     actor_id=None)
    url = f"/verify/{codes.display(certificate.code)}"
    certificate.pdf_sha256 = "0" * 64  # as if rendered: the check compares hashes only
    db.session.commit()
    body = EndlessBody(declared=100 * 1024 * 1024)
    response = app.test_client().post(url, input_stream=body,
                                      content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert response.status_code == 413 and body.served == 0
    boundary, data = encode_multipart({"file": FileStorage(
        io.BytesIO(bombs["gzip"]), "certificate.pdf")})
    response = app.test_client().post(url, data=data,
                                      content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200
    assert "This PDF is not the certificate that was issued" in response.text
