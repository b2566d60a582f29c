"""Secrets at rest: Fernet tokens, several keys for rotation (newest first)."""

import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from .errors import ConfigurationError

ENV_VARIABLE = "INTEGRATION_HUB_ENCRYPTION_KEY"
CONFIG_OPTION = "integration_hub_encryption_key"

MISSING_KEY_MESSAGE = (
    "No encryption key is configured for Integration Hub secrets. Add "
    f"'{CONFIG_OPTION} = <key>' to the Odoo configuration file (or set the "
    f"{ENV_VARIABLE} environment variable) and restart Odoo. Generate a key with: "
    "python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


def parse_keys(raw):
    """Split a comma separated key list (newest first) and validate every key."""
    keys = [k.strip() for k in (raw or "").split(",") if k.strip()]
    if not keys:
        raise ConfigurationError(MISSING_KEY_MESSAGE)
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except (ValueError, TypeError) as error:
            # never echo the key itself
            raise ConfigurationError(
                f"Integration Hub encryption key number {position} is not a valid "
                "Fernet key (32 url-safe base64-encoded bytes)."
            ) from error
    return fernets


def configured_keys(config_value=None, environ=os.environ):
    """The key list from the Odoo config value, else the environment (may be empty)."""
    return config_value or environ.get(ENV_VARIABLE)


def load_cipher(config_value=None, environ=os.environ):
    """The MultiFernet built from the Odoo config value, else the environment."""
    return MultiFernet(parse_keys(configured_keys(config_value, environ)))


def encrypt(cipher, plaintext):
    return cipher.encrypt(plaintext.encode()).decode()


def decrypt(cipher, token):
    try:
        return cipher.decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ConfigurationError(
            "A stored Integration Hub secret cannot be decrypted with the configured "
            "keys. Was a key removed before 'Re-encrypt secrets' ran? Put the previous "
            "key back (after the new one) and re-encrypt."
        ) from error


def rotate(cipher, token):
    """Re-encrypt ``token`` with the newest key."""
    try:
        return cipher.rotate(token.encode()).decode()
    except InvalidToken as error:
        raise ConfigurationError(
            "A stored secret could not be re-encrypted: none of the configured keys opens it."
        ) from error


# --- personal data at rest -------------------------------------------------------------
# A sealed value is this prefix + a Fernet token: the prefix tells a sealed column value from
# anything else (a value written before encryption existed, an anonymised placeholder).
SEALED_PREFIX = "pd1:"

UNREADABLE_PERSONAL_DATA_MESSAGE = (
    "Personal data stored by Integration Hub cannot be decrypted with the configured keys: the "
    "database was restored without its key, or a key was removed before 'Re-encrypt secrets' ran. "
    f"Put the key that was in use back into '{CONFIG_OPTION}' (after the newest one) and restart "
    "Odoo; nothing is shown until then, and nothing is decrypted with a wrong key."
)

_CIPHERS = {}


def cached_cipher(config_value=None, environ=os.environ):
    """The MultiFernet for the configured keys, built once per distinct key list (hot path: every sealed value)."""
    raw = configured_keys(config_value, environ) or ""
    cipher = _CIPHERS.get(raw)
    if cipher is None:
        cipher = _CIPHERS[raw] = MultiFernet(parse_keys(raw))
    return cipher


def is_sealed(value):
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


def seal(cipher, plaintext):
    """``pd1:<Fernet token>`` of a text; a sealed value is returned as is (never sealed twice)."""
    if is_sealed(plaintext):
        return plaintext
    return SEALED_PREFIX + cipher.encrypt(plaintext.encode()).decode()


def unseal(cipher, value):
    """The plaintext of a sealed value; anything else is returned as is.

    Fernet tokens are authenticated: a wrong key raises ConfigurationError, it never yields other text.
    """
    if not is_sealed(value):
        return value
    try:
        return cipher.decrypt(value[len(SEALED_PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise ConfigurationError(UNREADABLE_PERSONAL_DATA_MESSAGE) from error


def reseal(cipher, value):
    """A sealed value re-encrypted with the newest key (key rotation); anything else as is."""
    if not is_sealed(value):
        return value
    try:
        return SEALED_PREFIX + cipher.rotate(value[len(SEALED_PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise ConfigurationError(UNREADABLE_PERSONAL_DATA_MESSAGE) from error
