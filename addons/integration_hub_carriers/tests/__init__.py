from . import (
    test_carrier_connectors,
    test_carrier_inputs,
    test_control_points,
    test_hub_scope,
    test_role_matrix,
    test_secrets,
    test_service_rules,
    test_shipment_lifecycle,
    test_tracking,
)
