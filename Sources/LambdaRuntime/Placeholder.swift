// LambdaRuntime: filled in by its issue.
