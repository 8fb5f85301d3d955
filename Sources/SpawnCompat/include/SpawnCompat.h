#ifndef SPAWN_COMPAT_H
#define SPAWN_COMPAT_H

#include <spawn.h>

/// `pipe2(ends, O_CLOEXEC)`: a pipe whose ends no command started meanwhile by another thread inherits.
int spawn_compat_pipe_cloexec(int ends[2]);

/// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34): the spawned command gets no descriptor from `lowest` up.
int spawn_compat_close_from(posix_spawn_file_actions_t *actions, int lowest);

#endif
