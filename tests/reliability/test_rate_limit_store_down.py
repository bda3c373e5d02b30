"""When the shared rate-limit store (Redis) is unreachable, sign-in and verification keep
working with per-process limits instead of failing."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_user


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LMS_SIGNIN_LIMIT="3 per minute",
                        RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0")
def test_sign_in_works_and_is_still_limited_without_redis(client) -> None:
    make_user(email="someone@example.org")

    signed_in = client.post("/login", data={"email": "someone@example.org",
                                            "password": PASSWORD})
    assert signed_in.status_code == 302
    client.post("/logout")
    wrong = [client.post("/login", data={"email": "someone@example.org",
                                         "password": "wrong"}).status_code for _ in range(4)]
    assert 500 not in wrong and wrong[-1] == 429
    assert client.get("/verify/0000-0000-0000-0").status_code in (200, 404)
