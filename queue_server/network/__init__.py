"""The province's network of offices: where a citizen can be served soonest."""
