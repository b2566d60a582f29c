from . import carrier_push
