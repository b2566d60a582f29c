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
