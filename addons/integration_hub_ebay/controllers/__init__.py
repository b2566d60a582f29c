from . import account_deletion
