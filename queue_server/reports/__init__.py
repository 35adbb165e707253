"""What managers read: figures, percentiles, the live monitor, officer reports, exports."""
