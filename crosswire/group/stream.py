"""Streaming assignment (placeholder while the batch path is measured)."""


class StreamGrouper:
    pass
