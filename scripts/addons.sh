#!/usr/bin/env bash
# The project's addons, comma separated: every folder of addons/ with a manifest. A new platform addon
# is installed and tested by `make run` / `make test` without editing any list.
cd "$(dirname "$0")/../addons" && ls -d */__manifest__.py | cut -d/ -f1 | paste -sd, -
