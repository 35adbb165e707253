"""What the edges (api, web, realtime) share: who is calling, and the per-client limits."""
