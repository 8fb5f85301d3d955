// RemoteStorage: filled in by its issue.
