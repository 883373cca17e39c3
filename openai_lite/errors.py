"""The exceptions raised by openai_lite; :mod:`openai_lite._errors` draws their tree."""

from ._errors import *  # noqa: F403
from ._errors import __all__ as __all__
