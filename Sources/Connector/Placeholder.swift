// Connector: filled in by its issue.
