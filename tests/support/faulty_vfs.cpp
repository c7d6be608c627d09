#include "tests/support/faulty_vfs.hpp"

#include <sqlite3.h>

#include <cstring>
#include <mutex>

namespace hse::test {
namespace {

// The arming, shared by every connection of the process.
struct Arming {
  std::mutex mu;
  std::string prefix;  // empty: disarmed
  int nth = 0;
  int count = 0;
  int seen = 0;      // watched writes since arming
  int injected = 0;  // writes failed since arming
};
Arming& arming() {
  static Arming a;
  return a;
}

// Whether this write fails; counts the writes to watched files either way.
bool fail_now(const char* name) {
  Arming& a = arming();
  std::lock_guard lock(a.mu);
  if (a.prefix.empty() || !name || std::strncmp(name, a.prefix.c_str(), a.prefix.size()) != 0) return false;
  ++a.seen;
  if (a.seen < a.nth || (a.count >= 0 && a.injected >= a.count)) return false;
  ++a.injected;
  return true;
}

// SQLite allocates szOsFile bytes for a file: ours, then the wrapped VFS's file.
struct File {
  sqlite3_file base;
  // SQLite keeps the name it opened the file with valid until xClose; the replica is
  // opened long before a test arms the shim, so the name is matched at each write.
  const char* name;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
File* as_file(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
const sqlite3_io_methods* real_methods(sqlite3_file* f) { return as_file(f)->real()->pMethods; }

int x_close(sqlite3_file* f) { return real_methods(f)->xClose(as_file(f)->real()); }
int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 at) {
  return real_methods(f)->xRead(as_file(f)->real(), buf, n, at);
}
int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 at) {
  if (fail_now(as_file(f)->name)) return SQLITE_IOERR_WRITE;
  return real_methods(f)->xWrite(as_file(f)->real(), buf, n, at);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (fail_now(as_file(f)->name)) return SQLITE_IOERR_TRUNCATE;
  return real_methods(f)->xTruncate(as_file(f)->real(), size);
}
int x_sync(sqlite3_file* f, int flags) { return real_methods(f)->xSync(as_file(f)->real(), flags); }
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return real_methods(f)->xFileSize(as_file(f)->real(), size); }
int x_lock(sqlite3_file* f, int level) { return real_methods(f)->xLock(as_file(f)->real(), level); }
int x_unlock(sqlite3_file* f, int level) { return real_methods(f)->xUnlock(as_file(f)->real(), level); }
int x_check_reserved(sqlite3_file* f, int* out) {
  return real_methods(f)->xCheckReservedLock(as_file(f)->real(), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real_methods(f)->xFileControl(as_file(f)->real(), op, arg);
}
int x_sector_size(sqlite3_file* f) { return real_methods(f)->xSectorSize(as_file(f)->real()); }
int x_device(sqlite3_file* f) { return real_methods(f)->xDeviceCharacteristics(as_file(f)->real()); }
int x_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real_methods(f)->xShmMap(as_file(f)->real(), page, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_methods(f)->xShmLock(as_file(f)->real(), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real_methods(f)->xShmBarrier(as_file(f)->real()); }
int x_shm_unmap(sqlite3_file* f, int del) { return real_methods(f)->xShmUnmap(as_file(f)->real(), del); }
int x_fetch(sqlite3_file* f, sqlite3_int64 at, int n, void** out) {
  return real_methods(f)->xFetch(as_file(f)->real(), at, n, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 at, void* p) {
  return real_methods(f)->xUnfetch(as_file(f)->real(), at, p);
}

// One table per version the wrapped file offers: SQLite reads the version to know
// which methods it may call, so we must not offer more than the real file has.
sqlite3_io_methods methods_of_version(int version) {
  sqlite3_io_methods m{};
  m.iVersion = version;
  m.xClose = x_close;
  m.xRead = x_read;
  m.xWrite = x_write;
  m.xTruncate = x_truncate;
  m.xSync = x_sync;
  m.xFileSize = x_file_size;
  m.xLock = x_lock;
  m.xUnlock = x_unlock;
  m.xCheckReservedLock = x_check_reserved;
  m.xFileControl = x_file_control;
  m.xSectorSize = x_sector_size;
  m.xDeviceCharacteristics = x_device;
  if (version >= 2) {
    m.xShmMap = x_shm_map;
    m.xShmLock = x_shm_lock;
    m.xShmBarrier = x_shm_barrier;
    m.xShmUnmap = x_shm_unmap;
  }
  if (version >= 3) {
    m.xFetch = x_fetch;
    m.xUnfetch = x_unfetch;
  }
  return m;
}
const sqlite3_io_methods kMethods[] = {methods_of_version(1), methods_of_version(2), methods_of_version(3)};

sqlite3_vfs* wrapped(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  File* file = as_file(f);
  file->base.pMethods = nullptr;
  file->name = name;
  int rc = wrapped(vfs)->xOpen(wrapped(vfs), name, file->real(), flags, out_flags);
  if (const sqlite3_io_methods* real = file->real()->pMethods) {
    const int version = real->iVersion < 1 ? 1 : real->iVersion > 3 ? 3 : real->iVersion;
    file->base.pMethods = &kMethods[version - 1];
  }
  return rc;
}

int x_delete(sqlite3_vfs* v, const char* name, int sync_dir) { return wrapped(v)->xDelete(wrapped(v), name, sync_dir); }
int x_access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return wrapped(v)->xAccess(wrapped(v), name, flags, out);
}
int x_full_pathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return wrapped(v)->xFullPathname(wrapped(v), name, n, out);
}
void* x_dl_open(sqlite3_vfs* v, const char* name) { return wrapped(v)->xDlOpen(wrapped(v), name); }
void x_dl_error(sqlite3_vfs* v, int n, char* out) { wrapped(v)->xDlError(wrapped(v), n, out); }
void (*x_dl_sym(sqlite3_vfs* v, void* lib, const char* sym))(void) { return wrapped(v)->xDlSym(wrapped(v), lib, sym); }
void x_dl_close(sqlite3_vfs* v, void* lib) { wrapped(v)->xDlClose(wrapped(v), lib); }
int x_randomness(sqlite3_vfs* v, int n, char* out) { return wrapped(v)->xRandomness(wrapped(v), n, out); }
int x_sleep(sqlite3_vfs* v, int us) { return wrapped(v)->xSleep(wrapped(v), us); }
int x_current_time(sqlite3_vfs* v, double* out) { return wrapped(v)->xCurrentTime(wrapped(v), out); }
int x_last_error(sqlite3_vfs* v, int n, char* out) { return wrapped(v)->xGetLastError(wrapped(v), n, out); }
int x_current_time64(sqlite3_vfs* v, sqlite3_int64* out) {
  return wrapped(v)->xCurrentTimeInt64(wrapped(v), out);
}

}  // namespace

void install_faulty_vfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    static sqlite3_vfs vfs{};
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    // Version 2 at most: the system-call overrides of version 3 are for SQLite's own
    // tests and would bypass this shim.
    vfs.iVersion = real->iVersion < 2 ? real->iVersion : 2;
    vfs.szOsFile = static_cast<int>(sizeof(File)) + real->szOsFile;
    vfs.mxPathname = real->mxPathname;
    vfs.zName = "hse-faulty";
    vfs.pAppData = real;
    vfs.xOpen = x_open;
    vfs.xDelete = x_delete;
    vfs.xAccess = x_access;
    vfs.xFullPathname = x_full_pathname;
    vfs.xDlOpen = x_dl_open;
    vfs.xDlError = x_dl_error;
    vfs.xDlSym = x_dl_sym;
    vfs.xDlClose = x_dl_close;
    vfs.xRandomness = x_randomness;
    vfs.xSleep = x_sleep;
    vfs.xCurrentTime = x_current_time;
    vfs.xGetLastError = x_last_error;
    vfs.xCurrentTimeInt64 = x_current_time64;
    sqlite3_vfs_register(&vfs, 1);
  });
}

void arm_io_errors(const std::string& prefix, int nth, int count) {
  Arming& a = arming();
  std::lock_guard lock(a.mu);
  a.prefix = prefix;
  a.nth = nth;
  a.count = count;
  a.seen = 0;
  a.injected = 0;
}

void disarm_io_errors() {
  Arming& a = arming();
  std::lock_guard lock(a.mu);
  a.prefix.clear();
}

int io_errors_injected() {
  Arming& a = arming();
  std::lock_guard lock(a.mu);
  return a.injected;
}

}  // namespace hse::test
