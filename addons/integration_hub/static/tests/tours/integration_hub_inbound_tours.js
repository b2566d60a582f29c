/** @odoo-module **/
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("integration_hub_receipt_legacy_barcode_tour", {
    steps: () => [
        { trigger: ".o_searchview_input", run: "edit PO-TOUR" },
        { trigger: ".o_searchview_input", run: "press Enter" },
        { trigger: ".o_kanban_record:contains('PO-TOUR')", run: "click" },
        { content: "The purchase order is expected", trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Expected')" },
        { content: "Its incoming transfer", trigger: ".oe_stat_button[name=action_view_pickings]", run: "click" },
        { content: "The receipt in Inventory", trigger: ".o_form_view .o_field_widget[name=origin]:contains('PO-TOUR'), .o_form_view .o_field_widget[name=origin] input" },
        { content: "A box more came: add a line", trigger: ".o_field_x2many_list_row_add a", run: "click" },
        { content: "The scanner types the old barcode", trigger: ".o_data_row .o_field_widget[name=product_id] input", run: "edit 8400000000055" },
        {
            content: "The hub knows it: a legacy barcode of the bowl, with the code to use",
            trigger: ".o-autocomplete--dropdown-item:contains('legacy barcode 8400000000055: use 8400000000109')",
            run: "click",
        },
        { trigger: ".o_data_row .o_field_widget[name=product_id]:contains('BOWL-15'), .o_data_row .o_field_widget[name=product_id] input:value('[BOWL-15] Bowl')" },
        { trigger: ".o_data_row.o_selected_row .o_field_widget[name=quantity] input", run: "edit 2" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },
        { content: "Validate the receipt", trigger: ".o_statusbar_buttons button[name=button_validate]", run: "click" },
        { content: "Received", trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')" },
    ],
});
