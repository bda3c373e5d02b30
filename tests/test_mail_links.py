"""Links in emails use the site's public address, never the host a request claims."""

from __future__ import annotations

from tests.factories import make_user


def test_a_forged_host_never_reaches_a_password_reset_email(client, outbox) -> None:
    make_user(email="victim@example.org")

    client.post("/password/reset", data={"email": "victim@example.org"},
                headers={"Host": "evil.example"})

    [email] = outbox()
    assert "evil.example" not in email
    assert "http://localhost/password/reset/" in email
