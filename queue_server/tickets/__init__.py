"""The queue itself: issue, call, finish, the calling order, forecasts, the queue's read models."""
