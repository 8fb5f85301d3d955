// The Lambda custom-runtime entry point. Wiring only; filled in by the runtime issue.
