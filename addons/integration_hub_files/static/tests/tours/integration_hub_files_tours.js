/** @odoo-module **/
import { registry } from "@web/core/registry";

// A warehouse manager (the least-privileged role allowed for each step): the Email and Files tabs of an email
// channel, a routing guide confirmed as read and loaded, a tracking number entered by hand.
registry.category("web_tour.tours").add("integration_hub_files_manager_tour", {
    steps: () => [
        { content: "The email channel's form", trigger: ".o_form_view .o_field_widget[name=name]:contains('Tiendas Norte (email)')" },
        { content: "Its Email tab", trigger: ".o_notebook_headers a[name=email]", run: "click" },
        { content: "The address buyers write to", trigger: ".o_field_widget[name=email_address]:contains('orders-tn@hub.example.com')" },
        { content: "Who may send", trigger: ".o_field_widget[name=email_allowed_senders]:contains('@tiendas-norte.example.com')" },
        { content: "Its Files tab", trigger: ".o_notebook_headers a[name=files]", run: "click" },
        { content: "The B2B buyer", trigger: ".o_field_widget[name=file_buyer_id]:contains('Tiendas Norte S.L.')" },
        { content: "Operations menu", trigger: ".o_main_navbar button:contains('Operations')", run: "click" },
        { trigger: ".o-dropdown--menu .dropdown-item:contains('Routing guides')", run: "click" },
        { content: "The guide that came by email", trigger: ".o_data_row td:contains('Routing guide v1')", run: "click" },
        { trigger: ".o_form_view .o_field_widget[name=sender]:contains('compras@tiendas-norte.example.com')" },
        { content: "Read and loaded", trigger: ".o_statusbar_buttons button[name=action_confirm_loaded]", run: "click" },
        { content: "Who confirmed", trigger: ".o_field_widget[name=confirmed_by_id]:contains('Mario Manager')" },
        { content: "Operations menu", trigger: ".o_main_navbar button:contains('Operations')", run: "click" },
        { trigger: ".o-dropdown--menu .dropdown-item:contains('Tracking numbers by hand')", run: "click" },
        { content: "The order", trigger: ".modal .o_field_widget[name=reference] input", run: "edit PO-7001" },
        { trigger: ".modal .o_field_widget[name=carrier] input", run: "edit DHL" },
        { trigger: ".modal .o_field_widget[name=tracking_number] input", run: "edit JJD000390099" },
        { content: "Why by hand", trigger: ".modal .o_field_widget[name=reason] textarea", run: "edit DHL API down since 9:00" },
        { trigger: ".modal button[name=action_apply]", run: "click" },
        { content: "Applied", trigger: ".modal .o_field_widget[name=result]:contains('1 tracking number(s) entered, 0 row(s) refused.')" },
    ],
});
