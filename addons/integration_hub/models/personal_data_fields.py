"""Fields whose values are encrypted at rest with the hub's key (README "Personal data").

The column holds ``pd1:<Fernet token>``; the ORM hands out the plaintext (form, report, export,
the hub's own processing) and encrypts whatever it writes. Such a field cannot be searched,
sorted or grouped by its value (a token differs at every write); ``= False`` / ``!= False``
(set or not) still work. Rotated with the secrets (``integration.secret._rotate_all``).
"""

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import config

from ..lib import crypto
from ..lib.errors import ConfigurationError


def personal_data_cipher():
    """The cipher for personal data; UserError with what to do when no valid key is configured."""
    try:
        return crypto.cached_cipher(config.get(crypto.CONFIG_OPTION))
    except ConfigurationError as error:
        raise UserError(str(error)) from None


def seal_value(value):
    """A text as stored in a personal data column (None, False and "" stay empty)."""
    if not value:
        return value
    return crypto.seal(personal_data_cipher(), value)


def unseal_value(value):
    """The plaintext of a stored value; UserError (never other text) when the keys cannot open it."""
    if not crypto.is_sealed(value):
        return value
    try:
        return crypto.unseal(personal_data_cipher(), value)
    except ConfigurationError as error:
        raise UserError(str(error)) from None


class _Sealed:
    personal_data_sealed = True

    def convert_to_column(self, value, record, values=None, validate=True):
        value = super().convert_to_column(value, record, values, validate)
        return seal_value(value) if isinstance(value, str) else value

    def convert_to_record(self, value, record):
        return unseal_value(super().convert_to_record(value, record))

    def _description_sortable(self, env):
        return False

    def _description_groupable(self, env):
        return False


class PersonalChar(_Sealed, fields.Char):
    """A Char encrypted at rest."""


class PersonalText(_Sealed, fields.Text):
    """A Text encrypted at rest."""


def is_sealed_field(field):
    return getattr(field, "personal_data_sealed", False)
