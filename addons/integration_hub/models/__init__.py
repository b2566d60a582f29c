# Order matters: a model is defined before the files that extend it.
from . import (
    integration_hub_record,
    integration_personal_data,
    integration_personal_data_lifecycle,
    integration_secret,
    integration_secret_owner,
    integration_channel,
    res_partner,
    product_template,
    integration_channel_client,
    stock_move,
    stock_rule,
    stock_move_correction,
    stock_quant,
    stock_valuation_layer,
    integration_inventory_correction,
    integration_inventory_position,
    integration_audit_log,
    integration_guarded_state,
    integration_sync_exception,
    integration_sync_exception_inputs,
    integration_queue,
    integration_event,
    integration_event_redelivery,
    integration_event_archive,
    integration_event_privacy,
    integration_event_order_handlers,
    integration_job,
    integration_adapter,
    integration_adapter_privacy,
    integration_adapter_generic,
    integration_adapter_manual,
    integration_sku_equivalence,
    integration_external_id,
    integration_poll_cursor,
    integration_service_level,
    integration_territory,
    integration_channel_shipping_method,
    integration_channel_service_level,
    integration_channel_order,
    integration_channel_order_line,
    integration_channel_order_amounts,
    integration_channel_order_line_amounts,
    integration_channel_order_intake,
    integration_channel_order_allocation,
    integration_channel_order_accounting,
    integration_channel_order_service_level,
    integration_channel_order_territory,
    integration_channel_order_outbound,
    integration_channel_order_decision,
    sale_order,
    stock_picking,
    stock_location,
    integration_inventory_level,
    integration_inventory_share,
    integration_channel_inventory,
    integration_inventory_reports,
    integration_return,
    integration_return_line,
    integration_return_intake,
    integration_return_privacy,
    integration_return_credit,
    integration_channel_health,
    integration_channel_capabilities,
    integration_channel_polling,
    integration_channel_access,
    integration_channel_privacy,
    res_partner_privacy,
    ir_actions_report,
    integration_demo,
    res_config_settings,
)

# The catalog and the inbound side (issue 19): the product master from its owner, expected receipts.
from . import (
    integration_catalog_item,
    integration_catalog_variant,
    integration_catalog_intake,
    integration_catalog_locked_pack,
    integration_catalog_product_sync,
    integration_receipt,
    integration_receipt_line,
    integration_receipt_intake,
    integration_receipt_transfer,
    integration_receipt_confirmation,
    integration_channel_inbound,
    integration_sync_exception_inbound,
    integration_job_inbound,
    integration_event_inbound_handlers,
    integration_adapter_inbound,
    product_product,
    product_packaging,
    mrp_bom,
    stock_picking_receipt,
)

# The platform's ship-by deadline and withheld delivery data (issue 17, for every platform).
from . import integration_channel_order_ship_by

# The order's special handling shown on its transfers (issue 18, for every platform).
from . import stock_move_special_handling

# GDPR requests by e-mail (issue 22): the sender's own personal data erased through the privacy alias.
from . import integration_privacy_request, res_partner_order_link

# The control tower (issue 21): the overview, its monitoring history, exceptions acted on in place.
from . import (
    integration_monitoring_sample,
    integration_channel_overview,
    integration_sync_exception_actions,
    integration_durations_display,
)

# Onboarding (issue 21): the client's integration map.
from . import integration_map

# The go-live check (issue 21): the seed's acceptance tests per channel, rolled back; the go-live guard.
from . import integration_golive_check

# A large order (issue 23): BoMs and quants read once while a channel order's sale order is confirmed.
from . import stock_allocation_lookups
