from odoo import http
from odoo.http import request


class BenchFloor(http.Controller):
    """The floor of any webhook intake inside Odoo: read the body, INSERT it, COMMIT, answer.

    No signature, no channel lookup, no idempotency: what durable acknowledgment physically needs,
    through the same dispatch (database selection, routing, an auth='none' cursor) as the hub's endpoint.
    Installed in the bench database only (scripts/bench.sh).
    """

    @http.route("/hub_bench/floor", type="http", auth="none", methods=["POST"], csrf=False, save_session=False,
                readonly=False)  # fmt: skip
    def floor(self, **_params):
        cr = request.env.cr
        cr.execute(
            "INSERT INTO hub_bench_floor (body, received_at) VALUES (%s, now() at time zone 'UTC')",
            [request.httprequest.get_data().decode(errors="replace")],
        )
        cr.commit()
        return request.make_json_response({"status": 200, "message": "stored"})
