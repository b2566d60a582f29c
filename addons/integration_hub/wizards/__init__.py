from . import integration_exception_decision
