"""ceeatlas: the data pipeline behind the independent CBP Centers knowledge base.

Modules: models (the schema), curated (load centers/), hts (normalise and format HTS
numbers), scope (resolve a heading to its Center), pulled (read data/), site (render the
generated pages for the MkDocs hook).
"""

__version__ = "0.1.0"
