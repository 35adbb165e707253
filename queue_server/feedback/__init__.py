"""Citizens' ratings of a visit, the rating tablet at the counter, the manager's inbox."""
