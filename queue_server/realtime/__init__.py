"""Socket.IO: who follows what, and the broadcasts sent after a committed change."""
