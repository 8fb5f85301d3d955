// Intentionally empty: the target only contributes compat.c to the link.
