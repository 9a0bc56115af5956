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
