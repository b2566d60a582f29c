/** @odoo-module **/
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("integration_hub_channel_tour", {
    steps: () => [
        { trigger: ".o_control_panel .o-kanban-button-new", run: "click" },
        { trigger: ".o_field_widget[name=name] input", run: "edit Tour shop" },
        { trigger: ".o_field_widget[name=code] input", run: "edit TOUR-SHOP" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },
        { trigger: ".o_notebook a:contains('Webhooks')", run: "click" },
        {
            content: "The webhook URL is shown, ready to copy",
            trigger: ".o_field_widget[name=webhook_url]:contains('/integration_hub/v1/webhooks/')",
        },
    ],
});

registry.category("web_tour.tours").add("integration_hub_exception_tour", {
    steps: () => [
        { trigger: ".o_data_row td:contains('Order #T-1 has no phone')", run: "click" },
        { trigger: ".o_statusbar_buttons button[name=action_open_decision_wizard]", run: "click" },
        {
            trigger: ".modal .o_field_widget[name=decision] textarea",
            run: "edit Phone confirmed with the customer by email",
        },
        { trigger: ".modal button[name=action_confirm]", run: "click" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Resolved')" },
    ],
});

registry.category("web_tour.tours").add("integration_hub_order_release_tour", {
    steps: () => [
        { trigger: ".o_searchview_input", run: "edit #T-HOLD" },
        { trigger: ".o_searchview_input", run: "press Enter" },
        { trigger: ".o_kanban_record:contains('#T-HOLD')", run: "click" },
        { content: "The missing data arrived", trigger: ".alert-success:contains('a manager can release')" },
        { trigger: ".o_statusbar_buttons button[name=action_release]", run: "click" },
        { trigger: ".modal-footer .btn-primary", run: "click" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Accepted')" },
    ],
});

registry.category("web_tour.tours").add("integration_hub_return_bench_tour", {
    steps: () => [
        { trigger: ".o_searchview_input", run: "edit RMA-BENCH" },
        { trigger: ".o_searchview_input", run: "press Enter" },
        { trigger: ".o_kanban_record:contains('wrong colour')", run: "click" },
        { content: "The return waits in quarantine", trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Received')" },
        { content: "The operator grades the line at the bench", trigger: ".o_data_row button[name=action_grade_sellable]", run: "click" },
        { trigger: ".o_data_row td[name=inspected_grade]:contains('Sellable')" },
    ],
});

registry.category("web_tour.tours").add("integration_hub_return_receipt_tour", {
    steps: () => [
        { trigger: ".o_searchview_input", run: "edit RMA-TOUR" },
        { trigger: ".o_searchview_input", run: "press Enter" },
        { trigger: ".o_kanban_record:contains('scratched')", run: "click" },
        { content: "Authorized by the returns system", trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Authorized')" },
        { content: "The operator prepares the receipt", trigger: ".o_statusbar_buttons button[name=action_create_receipt]", run: "click" },
        { content: "The receipt into quarantine is there", trigger: ".o_field_widget[name=receipt_id] :contains('/IN/')" },
        { content: "Prepared once", trigger: ".o_form_view:not(:has(button[name=action_create_receipt]))" },
    ],
});

registry.category("web_tour.tours").add("integration_hub_return_triage_tour", {
    steps: () => [
        { trigger: ".o_searchview_input", run: "edit RMA-TOUR" },
        { trigger: ".o_searchview_input", run: "press Enter" },
        { trigger: ".o_kanban_record:contains('scratched')", run: "click" },
        { content: "The operator's grade is there", trigger: ".o_data_row td[name=inspected_grade]:contains('Rework')" },
        { trigger: ".o_statusbar_buttons button[name=action_open_triage]", run: "click" },
        { trigger: ".modal .o_field_widget[name=reason] textarea", run: "edit The returns system has no answer; graded at the bench" },
        { trigger: ".modal button[name=action_confirm]", run: "click" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Triaged')" },
        { content: "The manager disposes", trigger: ".o_statusbar_buttons button[name=action_complete]", run: "click" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Completed')" },
        { trigger: ".o_data_row td[name=outcome]:contains('Reworked')" },
    ],
});

registry.category("web_tour.tours").add("integration_hub_publish_now_tour", {
    steps: () => [
        { trigger: ".o_kanban_record:contains('Test shop')", run: "click" },
        { trigger: ".o_notebook a[name=inventory_rules]", run: "click" },
        { trigger: "button[name=action_publish_inventory_now]", run: "click" },
        { content: "The publication is queued", trigger: ".o_notification:contains('publication(s) queued')" },
    ],
});

registry.category("web_tour.tours").add("integration_hub_smart_buttons_tour", {
    steps: () => [
        { trigger: ".o_searchview_input", run: "edit #T-SMART" },
        { trigger: ".o_searchview_input", run: "press Enter" },
        { trigger: ".o_kanban_record:contains('#T-SMART')", run: "click" },
        { content: "The order's sale order", trigger: ".oe_stat_button[name=action_view_sale_order]", run: "click" },
        { content: "The sale order opens", trigger: ".o_form_view .o_field_widget[name=integration_order_id]:contains('#T-SMART')" },
        { content: "Back to the order", trigger: ".breadcrumb-item.o_back_button a", run: "click" },
        { trigger: ".o_form_view .o_field_widget[name=channel_id] a.o_form_uri", run: "click" },
        { content: "The channel's exceptions", trigger: ".oe_stat_button[name=action_view_exceptions]", run: "click" },
        { content: "They open", trigger: ".o_list_view, .o_kanban_view" },
        { content: "Back to the channel", trigger: ".breadcrumb-item.o_back_button a", run: "click" },
        { content: "The channel's inbox", trigger: ".oe_stat_button[name=action_view_events]", run: "click" },
        { trigger: ".o_list_view .o_data_row" },
        { content: "Back to the channel", trigger: ".breadcrumb-item.o_back_button a", run: "click" },
        { content: "The channel's outbox", trigger: ".oe_stat_button[name=action_view_jobs]", run: "click" },
        { trigger: ".o_list_view" },
    ],
});

registry.category("web_tour.tours").add("integration_hub_return_grade_tour", {
    steps: () => [
        { trigger: ".o_searchview_input", run: "edit RMA-TOUR" },
        { trigger: ".o_searchview_input", run: "press Enter" },
        { trigger: ".o_kanban_record:contains('scratched')", run: "click" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Received')" },
        { content: "Triage is the manager's", trigger: ".o_form_view:not(:has(button[name=action_open_triage]))" },
        { content: "The operator sees a scratch: rework", trigger: ".o_data_row button[name=action_grade_rework]", run: "click" },
        { trigger: ".o_data_row td[name=inspected_grade]:contains('Rework')" },
    ],
});
