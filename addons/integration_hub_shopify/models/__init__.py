from . import integration_channel
