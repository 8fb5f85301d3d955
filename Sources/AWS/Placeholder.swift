// AWS: filled in by its issue.
