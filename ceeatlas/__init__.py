"""ceeatlas: the data pipeline behind the independent CBP Centers knowledge base.

Modules: models (the schema), curated (load centers/), hts (normalise and format HTS
numbers), scope (resolve a heading to its Center), pulled (read data/), site (render the
generated pages for the MkDocs hook).
"""

__version__ = "0.1.0"

import os as _os

# Where the project lives; sent in the User-Agent of every request so that source operators
# can see who is calling. Set CEEATLAS_PROJECT_URL when the repository is published elsewhere.
PROJECT_URL = _os.environ.get("CEEATLAS_PROJECT_URL", "https://github.com/ceeatlas/ceeatlas")
