/** @odoo-module **/
import { registry } from "@web/core/registry";

// A warehouse manager runs the go-live check on a channel and reads the evidence per test.
registry.category("web_tour.tours").add("integration_hub_golive_tour", {
    steps: () => [
        { content: "The channel's form", trigger: ".o_form_view .o_field_widget[name=name]:contains('Test shop'), .o_form_view .o_field_widget[name=name] input:value('Test shop')" },
        { content: "Run the go-live check", trigger: ".o_statusbar_buttons button[name=action_run_golive_check]", run: "click" },
        { content: "The result page", trigger: ".o_form_view .o_golive_summary:contains('6 of 6 tests passed')" },
        { content: "Passed", trigger: ".o_form_view .ribbon:contains('Passed')" },
        { content: "The order flow's evidence: the shipment with tracking that would be sent", trigger: ".o_golive_lines .o_data_row:contains('Order flow'):contains('tracking')" },
        { content: "The inventory figure and the window", trigger: ".o_golive_lines .o_data_row:contains('Inventory sync'):contains('window')" },
        { content: "The return restocked", trigger: ".o_golive_lines .o_data_row:contains('Return flow'):contains('restocked')" },
    ],
});
