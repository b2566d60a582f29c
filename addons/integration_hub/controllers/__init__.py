from . import webhook
from . import privacy_confirm
