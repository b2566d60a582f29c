# The seed's acceptance scenarios, run by pytest-odoo against the test database
# that `make test` installs (see scripts/test.sh).
