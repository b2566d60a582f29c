/** @odoo-module **/
import { registry } from "@web/core/registry";

const step = (label) => ({
    content: `Step: ${label}`,
    trigger: `.modal .o_statusbar_status button.o_arrow_button_current:contains('${label}')`,
});
const next = { trigger: ".modal button[name=action_next]", run: "click" };

registry.category("web_tour.tours").add("integration_hub_onboarding_tour", {
    steps: () => [
        { trigger: ".o_menu_sections button:contains('Configuration')", run: "click" },
        { trigger: ".o-dropdown-item:contains('Onboarding')", run: "click" },
        step("Technology stack"),
        { trigger: ".modal .o_field_widget[name=client_id] input", run: "edit Tienda Sol" },
        { trigger: ".o-autocomplete--dropdown-item:contains('Tienda Sol')", run: "click" },
        { trigger: ".modal .o_field_x2many_list_row_add a", run: "click" },
        { trigger: ".modal .o_data_row .o_field_widget[name=name] input", run: "edit Sol tour shop" },
        { trigger: ".modal .o_data_row .o_field_widget[name=code] input", run: "edit SOL-TOUR" },
        next,
        step("SKU and catalog"),
        next,
        step("Order rules"),
        next,
        step("Inventory rules"),
        next,
        step("Shipment rules"),
        next,
        step("Mandatory fields"),
        next,
        step("Review"),
        { content: "Nothing without an owner", trigger: ".modal .o_field_widget[name=findings]:contains('Every object has exactly one owner.')" },
        { trigger: ".modal button[name=action_create_channels]", run: "click" },
        { content: "The draft channel is created", trigger: ".modal .o_field_widget[name=channel_ids]:contains('Sol tour shop')" },
        { trigger: ".modal button[name=action_print_map]" },
    ],
});
