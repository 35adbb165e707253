"""Print jobs, the printing API and the queue-printer agent."""
