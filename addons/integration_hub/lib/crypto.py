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
