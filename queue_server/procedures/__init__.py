"""The procedure catalogue (thủ tục hành chính): import, forgiving search, lookups."""
