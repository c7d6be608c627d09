// A SQLite VFS for tests that fails writes with an I/O error on demand, the way a
// dying disk or a full quota on a network file system does: SQLite then answers
// SQLITE_IOERR_WRITE, which `max_page_count` (a full disk) cannot produce.
//
// Once installed it is SQLite's default VFS for the whole process, and passes every
// call through to the VFS that was the default before, so it changes nothing until
// armed; only files whose path starts with the armed prefix (a replica and its -wal,
// -shm and -journal files) are ever failed.
#pragma once

#include <string>

namespace hse::test {

// Registers the VFS as the default. Idempotent and thread-safe; connections opened
// before the first call keep the VFS they were opened with.
void install_faulty_vfs();

// From the `nth` write (1-based, counting xWrite and xTruncate calls) to a file whose
// path starts with `prefix`, fail `count` of them (-1: every one until disarmed).
// A failed call writes nothing. Replaces any earlier arming.
void arm_io_errors(const std::string& prefix, int nth, int count);
void disarm_io_errors();

// How many calls have been failed since the last arm_io_errors().
int io_errors_injected();

}  // namespace hse::test
