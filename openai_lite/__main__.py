"""``python -m openai_lite``: the ``openai-lite`` command line."""

import sys

from .cli import main

sys.exit(main())
