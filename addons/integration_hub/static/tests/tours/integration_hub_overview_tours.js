/** @odoo-module **/
import { registry } from "@web/core/registry";

// The manager's morning review: the overview first, then three exception types acted on in place.
registry.category("web_tour.tours").add("integration_hub_morning_review_tour", {
    steps: () => [
        { content: "The overview is the landing page", trigger: ".o_kanban_record:contains('Test shop') .o_hub_on_hold" },
        { content: "The signals with their thresholds", trigger: ".o_kanban_record:contains('Queue depth'):contains('max')" },
        {
            content: "One click from the queue depth to the exceptions behind it",
            trigger: ".o_kanban_record:contains('Test shop') a:contains('Queue depth')",
            run: "click",
        },
        // 1. an order on hold whose data is now complete: released from its exception
        { trigger: ".o_data_row td:contains('#T-HOLD')", run: "click" },
        { trigger: ".o_statusbar_buttons button[name=action_release_order]", run: "click" },
        { content: "Released: the exception is resolved", trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Resolved')" },
        { trigger: ".breadcrumb-item.o_back_button a", run: "click" },
        // 2. a failed inbound message: retried from its exception
        { trigger: ".o_data_row td:contains('nonsense.type')", run: "click" },
        { trigger: ".o_statusbar_buttons button[name=action_retry]", run: "click" },
        { content: "Retried: the exception is resolved", trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Resolved')" },
        { trigger: ".breadcrumb-item.o_back_button a", run: "click" },
        // 3. an inventory divergence: reconciled with the figures filled in
        { trigger: ".o_data_row td:contains('shows 3')", run: "click" },
        { trigger: ".o_statusbar_buttons button[name=action_reconcile]", run: "click" },
        { content: "The product is filled in", trigger: ".modal .o_field_widget[name=product_id] input:value('[MUG-001] Mug')" },
        { trigger: ".modal .o_field_widget[name=counted_qty] input", run: "edit 5" },
        { trigger: ".modal .o_field_widget[name=reason] input[data-value=miscount]", run: "click" },
        { trigger: ".modal button[name=action_apply]", run: "click" },
        { content: "Counted: the exception is resolved", trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Resolved')" },
    ],
});
