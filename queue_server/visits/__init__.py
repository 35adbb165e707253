"""The visit as the province measures it: outcomes, dossier codes, their history, the feed."""
