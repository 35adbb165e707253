"""The queue itself: issuing, calling, finishing, the order of calls, forecasts, read models."""
