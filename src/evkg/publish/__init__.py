"""Publishing the graph: the distribution files, what changed between two graphs, and versioned releases.

- :mod:`evkg.publish.builder`: ``evkg build``: every export format and a VoID description into ``dist/``;
- :mod:`evkg.publish.changes`: ``evkg diff``: the statements added and removed between two graphs;
- :mod:`evkg.publish.releases`: ``evkg release``: a versioned release with its changelog.
"""


__all__: list[str] = []  # a folder of modules: import them, nothing is re-exported here
