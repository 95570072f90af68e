"""Execution engines: where the per-article stages and the global grouping step run.

`local` runs everything in this process (the default, needs nothing more). `ray` (`pip install -e
.[ray]`) runs the same stage functions on a Ray cluster: `ray_engine` for the per-article stages (read,
clean, split, embed, entities) with Ray Data, `ray_group` for grouping into stories and storylines.
Neither engine has its own version of a stage: both call the functions in `crosswire.pipeline`,
`crosswire.ingest`, `crosswire.segment`, `crosswire.nlp` and `crosswire.group`, so results do not
depend on the engine. Importing this package does not import Ray.
"""

from __future__ import annotations

ENGINES = ("local", "ray")
