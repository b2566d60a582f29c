from . import (
    integration_event_set_aside,
    integration_exception_decision,
    integration_inventory_reconcile,
    integration_order_carrier_pickup,
    integration_order_force_state,
    integration_order_manual_entry,
    integration_personal_data_erasure,
    integration_return_wizards,
)
from . import integration_shipping_method_map
from . import integration_inbound_imports
from . import integration_onboarding
from . import integration_golive_override
