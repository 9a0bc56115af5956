from coachpro.domain.totp import code_at, new_recovery_codes, new_secret, provisioning_uri, verify

# RFC 6238 test vector: ASCII secret "12345678901234567890", SHA-1, at T=59 -> 94287082 (8 digits);
# the 6-digit code is its last six digits.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def test_rfc_6238_vector():
    assert code_at(RFC_SECRET, 59) == "287082"
    assert code_at(RFC_SECRET, 1111111109) == "081804"


def test_codes_verify_with_one_step_of_drift_only():
    secret = new_secret()
    now = 1_800_000_000
    assert verify(secret, code_at(secret, now), now)
    assert verify(secret, code_at(secret, now - 30), now)
    assert not verify(secret, code_at(secret, now - 90), now)
    assert not verify(secret, "12345", now) and not verify(secret, "abcdef", now)


def test_uri_and_recovery_codes():
    uri = provisioning_uri("ABC", "rosa@example.com", "Kindred Coaching")
    assert uri.startswith("otpauth://totp/Kindred%20Coaching%3Arosa%40example.com?secret=ABC")
    codes = new_recovery_codes()
    assert len(codes) == 8 and len(set(codes)) == 8


def test_a_code_two_steps_away_is_refused_and_one_step_is_allowed():
    import re

    from coachpro.domain.totp import matching_step

    secret = new_secret()
    assert len(secret) == 32 and re.fullmatch(r"[A-Z2-7]{32}", secret)  # 160 bits
    now = 1_800_000_000.0
    for offset, ok in ((-60, False), (-30, True), (0, True), (30, True), (60, False)):
        code = code_at(secret, now + offset)
        assert verify(secret, code, now) is ok, offset
        assert matching_step(secret, code, now) == (int((now + offset) // 30) if ok else None)
    assert verify(secret.lower(), code_at(secret, now), now)  # apps show lower case too
    codes = new_recovery_codes()
    assert len(set(codes)) == 8
    assert all(re.fullmatch(r"[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}", c) for c in codes)
