from . import integration_channel_files
from . import integration_channel_order_files
from . import integration_job_files
from . import integration_event_files
from . import integration_adapter_files
from . import integration_channel_email
from . import integration_adapter_email
from . import integration_routing_guide
