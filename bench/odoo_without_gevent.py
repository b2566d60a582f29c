"""``odoo-bin`` for the bench, minus the prefork master's gevent (websocket) process.

scripts/bench.sh uses it only when that process cannot start in this venv: then
the master re-spawns it in a tight loop (each attempt imports odoo, ~1 s of CPU),
which would steal most of a core from the HTTP workers being measured. The bench
opens no websocket, so the process would be idle anyway; everything else is the
stock prefork server (same HTTP workers, same dispatch).
"""

import os
import sys

os.environ["TZ"] = "UTC"  # as odoo-bin does, before the time module is used
import odoo  # noqa: E402
from odoo.service import server  # noqa: E402

server.PreforkServer.long_polling_spawn = lambda self: None

if __name__ == "__main__":
    sys.argv[0] = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    odoo.cli.main()
