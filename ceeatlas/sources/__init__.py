"""One module per upstream source. Each has fetch_* functions (network, through the shared
client, cached) and pure parse_* functions tested on fixtures."""
