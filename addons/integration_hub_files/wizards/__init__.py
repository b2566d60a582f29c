from . import integration_tracking_entry
from . import integration_order_manual_entry_email
