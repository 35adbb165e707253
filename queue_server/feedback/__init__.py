"""Citizens' ratings of a visit, the rating tablet at the counter and the manager's feedback inbox."""
