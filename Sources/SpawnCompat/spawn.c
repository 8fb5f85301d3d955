// glibc functions that Swift's Glibc module does not declare (they need _GNU_SOURCE), for starting a
// `credential_process` command without handing it this process's descriptors. A target of its own: only the
// credential chain links it, not the Lambda `bootstrap` (whose glibc symbol versions are budgeted).
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>
#include "SpawnCompat.h"

int spawn_compat_pipe_cloexec(int ends[2]) { return pipe2(ends, O_CLOEXEC); }

int spawn_compat_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}
