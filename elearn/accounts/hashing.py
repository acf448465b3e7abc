"""Password hashing: a slow KDF for chosen passwords, a fast salted one for generated ones.

A generated one-time password carries 80+ random bits, so brute force is out of
reach even with a fast hash; that keeps a 10 000-row import fast (cli.md).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_argon2 = PasswordHasher()
_FAST_PREFIX = "hmac-sha256$"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def generate_password() -> str:
    """A one-time password: 16 Crockford base32 characters (80 random bits)."""
    return "".join(secrets.choice(_CROCKFORD) for _ in range(16))


def hash_password(password: str) -> str:
    """Hash a password a person chose (Argon2id)."""
    return _argon2.hash(password)


def hash_generated_password(password: str) -> str:
    """Hash a generated high-entropy password with a fast keyed hash (random per-user key)."""
    salt = secrets.token_hex(16)
    digest = hmac.new(salt.encode(), password.encode(), hashlib.sha256).hexdigest()
    return f"{_FAST_PREFIX}{salt}${digest}"


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (either kind of hash), in the same time either way."""
    if stored.startswith(_FAST_PREFIX):
        salt, _, digest = stored.removeprefix(_FAST_PREFIX).partition("$")
        expected = hmac.new(salt.encode(), password.encode(), hashlib.sha256).hexdigest()
        # Spend an Argon2 verification anyway: a fast answer would tell an attacker
        # which accounts still hold an unused one-time password.
        _slow_verify(dummy_hash(), password)
        return hmac.compare_digest(expected, digest)
    return _slow_verify(stored, password)


def _slow_verify(stored: str, password: str) -> bool:
    try:
        return _argon2.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether an Argon2 hash was made with weaker parameters than today's."""
    return not stored.startswith(_FAST_PREFIX) and _argon2.check_needs_rehash(stored)


def token_digest(token: str) -> str:
    """SHA-256 of an API token: what the database stores and looks up."""
    return hashlib.sha256(token.encode()).hexdigest()


@functools.cache
def dummy_hash() -> str:
    """A valid hash matching no password: checked when a username is unknown,
    so a failed sign-in takes the same time either way."""
    return _argon2.hash(secrets.token_urlsafe(16))
