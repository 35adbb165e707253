"""Citizens' ratings of a visit, the counter's rating tablet and the feedback inbox."""
