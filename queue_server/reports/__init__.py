"""What managers read: figures, percentiles, the live monitor, monthly officer reports and exports."""
