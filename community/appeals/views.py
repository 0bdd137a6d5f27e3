"""Appeal pages."""

from community.appeals import bp  # noqa: F401
from community.appeals import models  # noqa: F401
