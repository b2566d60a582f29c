from . import integration_shipment_handover
