{
    "name": "Integration Hub bench: the intake floor",
    "summary": "Bench only: the least a durable webhook intake inside Odoo must do (one INSERT, one COMMIT)",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "author": "3PL Spain",
    "license": "LGPL-3",
    "depends": ["base"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
}
