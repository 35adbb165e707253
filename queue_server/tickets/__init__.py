"""The queue itself: issuing, calling, finishing, the order of calls, forecasts and the read models of the queue."""
