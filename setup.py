import re

from setuptools import setup

# Read the version without importing the package, whose dependencies may not be installed yet.
with open("openai_lite/_version.py", encoding="utf-8") as f:
    version = re.search(r'__version__ = "([^"]+)"', f.read()).group(1)

setup(version=version)
