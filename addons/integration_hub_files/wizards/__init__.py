from . import integration_tracking_entry
