import pytest
from cryptography.fernet import Fernet

from odoo.addons.integration_hub.lib import crypto
from odoo.addons.integration_hub.lib.errors import ConfigurationError


def test_missing_key_gives_a_clear_error_naming_the_option():
    with pytest.raises(ConfigurationError, match="integration_hub_encryption_key"):
        crypto.load_cipher(None, environ={})


def test_key_from_environment_when_config_is_empty():
    key = Fernet.generate_key().decode()
    cipher = crypto.load_cipher(None, environ={crypto.ENV_VARIABLE: key})
    assert crypto.decrypt(cipher, crypto.encrypt(cipher, "s3cret")) == "s3cret"


def test_invalid_key_error_does_not_echo_the_key():
    with pytest.raises(ConfigurationError) as info:
        crypto.load_cipher("not-a-key-at-all")
    assert "not-a-key-at-all" not in str(info.value)


def test_ciphertext_hides_the_plaintext_and_differs_each_time():
    cipher = crypto.load_cipher(Fernet.generate_key().decode())
    a, b = crypto.encrypt(cipher, "shpat_abc123"), crypto.encrypt(cipher, "shpat_abc123")
    assert "shpat_abc123" not in a and a != b


def test_rotation_reencrypts_with_the_newest_key_and_old_key_can_then_go():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = crypto.encrypt(crypto.load_cipher(old), "token-value")
    both = crypto.load_cipher(f"{new},{old}")
    assert crypto.decrypt(both, token) == "token-value"
    rotated = crypto.rotate(both, token)
    assert crypto.decrypt(crypto.load_cipher(new), rotated) == "token-value"
    with pytest.raises(ConfigurationError):
        crypto.decrypt(crypto.load_cipher(new), token)
