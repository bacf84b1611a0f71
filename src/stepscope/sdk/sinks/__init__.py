"""Where a run's data goes: a `Sink` opens runs and receives batches and run changes."""

from stepscope.sdk.sinks.base import Sink
from stepscope.sdk.sinks.local import LocalSink

__all__ = ["LocalSink", "Sink"]
