#include "sqlite/wal_write_vfs.hpp"

#include <algorithm>
#include <cstring>

#include <sqlite3.h>

namespace anguan::store::sqlite {
namespace {

constexpr const char* kVfsName = "anguan-wal-write";
// One commit of the permit bench writes about 230 KiB of frames; larger transactions write a
// buffer-full at a time.
constexpr int kBufferBytes = 1 << 20;
// The largest write handed to the wrapped VFS at once: the unix VFS writes at most 128 KiB - 1
// per call (it masks the length to 17 bits) and reports a longer one as a full disk.
constexpr int kMaxWriteBytes = 124 * 1024;
constexpr sqlite3_int64 kWalHeaderBytes = 32;
constexpr int kFrameHeaderBytes = 24;

// A WAL file: this header, then the wrapped VFS's own file object (at kRealOffset).
struct WalFile {
  sqlite3_file base;  // pMethods is &kWalMethods while open.
  sqlite3_file* real;
  unsigned char* buffer;    // kBufferBytes, allocated at the first write.
  sqlite3_int64 buffer_at;  // File offset of buffer[0].
  int buffered;             // Bytes held in buffer.
  bool flush_after_next;    // The last write was a commit frame's header.
  int deferred_error;       // A failed write of the buffer no caller has seen yet.
};

constexpr int kRealOffset = static_cast<int>((sizeof(WalFile) + 7) & ~std::size_t{7});

sqlite3_vfs* base_vfs = nullptr;  // Set once, before the VFS is registered.

WalFile* walFile(sqlite3_file* file) { return reinterpret_cast<WalFile*>(file); }

// Writes the buffer out; the buffer is empty afterwards whatever happened.
int flush(WalFile* f) {
  if (f->buffered == 0) {
    return SQLITE_OK;
  }
  const int n = f->buffered;
  f->buffered = 0;
  for (int done = 0; done < n; done += kMaxWriteBytes) {
    const int chunk = std::min(kMaxWriteBytes, n - done);
    if (int rc = f->real->pMethods->xWrite(f->real, f->buffer + done, chunk, f->buffer_at + done);
        rc != SQLITE_OK) {
      return rc;
    }
  }
  return SQLITE_OK;
}

// Flushes before an operation that must see the file as unbuffered writes would have left it,
// and reports an earlier failure no caller has seen.
int settle(WalFile* f) {
  if (int rc = flush(f); rc != SQLITE_OK) {
    return rc;
  }
  const int rc = f->deferred_error;
  f->deferred_error = SQLITE_OK;
  return rc;
}

// Settles the buffer (see settle), then calls `forward` with the wrapped file.
template <typename Forward>
int afterSettling(sqlite3_file* file, Forward forward) {
  WalFile* f = walFile(file);
  if (int rc = settle(f); rc != SQLITE_OK) {
    return rc;
  }
  return forward(f->real);
}

int walClose(sqlite3_file* file) {
  WalFile* f = walFile(file);
  const int flushed = flush(f);
  sqlite3_free(f->buffer);
  f->buffer = nullptr;
  const int closed = f->real->pMethods->xClose(f->real);
  return flushed != SQLITE_OK ? flushed : closed;
}

int walRead(sqlite3_file* file, void* out, int n, sqlite3_int64 at) {
  return afterSettling(file,
                       [&](sqlite3_file* real) { return real->pMethods->xRead(real, out, n, at); });
}

int walWrite(sqlite3_file* file, const void* data, int n, sqlite3_int64 at) {
  WalFile* f = walFile(file);
  if (f->deferred_error != SQLITE_OK) {
    return settle(f);
  }
  const bool continues =
      f->buffered > 0 && at == f->buffer_at + f->buffered && n <= kBufferBytes - f->buffered;
  if (!continues) {
    if (int rc = flush(f); rc != SQLITE_OK) {
      return rc;
    }
  }
  if (f->buffer == nullptr && n <= kMaxWriteBytes) {
    f->buffer = static_cast<unsigned char*>(sqlite3_malloc(kBufferBytes));
  }
  if (f->buffer == nullptr || n > kMaxWriteBytes) {
    // Out of memory, or larger than one write to the wrapped VFS: written as it comes.
    return f->real->pMethods->xWrite(f->real, data, n, at);
  }
  if (f->buffered == 0) {
    f->buffer_at = at;
  }
  std::memcpy(f->buffer + f->buffered, data, static_cast<std::size_t>(n));
  f->buffered += n;
  if (f->flush_after_next) {
    // The page of a commit frame: the commit is complete in the file before SQLite publishes
    // it in the WAL index for other connections to read.
    f->flush_after_next = false;
    return flush(f);
  }
  if (n == kFrameHeaderBytes && at >= kWalHeaderBytes) {
    // Frame header bytes 4-7: the database size in pages after a commit, 0 in other frames.
    const auto* h = static_cast<const unsigned char*>(data);
    f->flush_after_next = (h[4] | h[5] | h[6] | h[7]) != 0;
  }
  return SQLITE_OK;
}

int walTruncate(sqlite3_file* file, sqlite3_int64 size) {
  return afterSettling(file,
                       [&](sqlite3_file* real) { return real->pMethods->xTruncate(real, size); });
}

int walSync(sqlite3_file* file, int flags) {
  return afterSettling(file,
                       [&](sqlite3_file* real) { return real->pMethods->xSync(real, flags); });
}

int walFileSize(sqlite3_file* file, sqlite3_int64* size) {
  return afterSettling(file,
                       [&](sqlite3_file* real) { return real->pMethods->xFileSize(real, size); });
}

int walLock(sqlite3_file* file, int level) {
  return afterSettling(file,
                       [&](sqlite3_file* real) { return real->pMethods->xLock(real, level); });
}

int walUnlock(sqlite3_file* file, int level) {
  return afterSettling(file,
                       [&](sqlite3_file* real) { return real->pMethods->xUnlock(real, level); });
}

int walCheckReservedLock(sqlite3_file* file, int* out) {
  return afterSettling(
      file, [&](sqlite3_file* real) { return real->pMethods->xCheckReservedLock(real, out); });
}

int walFileControl(sqlite3_file* file, int op, void* arg) {
  WalFile* f = walFile(file);
  if (int rc = flush(f); rc != SQLITE_OK) {
    // SQLite ignores the result of hints: the next read, write or sync reports it.
    f->deferred_error = rc;
    return rc;
  }
  return f->real->pMethods->xFileControl(f->real, op, arg);
}

int walSectorSize(sqlite3_file* file) {
  WalFile* f = walFile(file);
  return f->real->pMethods->xSectorSize(f->real);
}

int walDeviceCharacteristics(sqlite3_file* file) {
  WalFile* f = walFile(file);
  return f->real->pMethods->xDeviceCharacteristics(f->real);
}

// Version 1: a WAL file is never memory-mapped and has no shared memory of its own.
const sqlite3_io_methods kWalMethods = {1,
                                        walClose,
                                        walRead,
                                        walWrite,
                                        walTruncate,
                                        walSync,
                                        walFileSize,
                                        walLock,
                                        walUnlock,
                                        walCheckReservedLock,
                                        walFileControl,
                                        walSectorSize,
                                        walDeviceCharacteristics,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr};

int vfsOpen(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  if ((flags & SQLITE_OPEN_WAL) == 0) {
    // Everything else is the wrapped VFS's file, in this same memory.
    return base_vfs->xOpen(base_vfs, name, file, flags, out_flags);
  }
  WalFile* f = walFile(file);
  f->base.pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
  f->real->pMethods = nullptr;
  f->buffer = nullptr;
  f->buffer_at = 0;
  f->buffered = 0;
  f->flush_after_next = false;
  f->deferred_error = SQLITE_OK;
  const int rc = base_vfs->xOpen(base_vfs, name, f->real, flags, out_flags);
  // SQLite closes a file whose pMethods is set even when its open failed; mirror the real one.
  f->base.pMethods = f->real->pMethods != nullptr ? &kWalMethods : nullptr;
  return rc;
}

int vfsDelete(sqlite3_vfs*, const char* name, int sync_dir) {
  return base_vfs->xDelete(base_vfs, name, sync_dir);
}
int vfsAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
  return base_vfs->xAccess(base_vfs, name, flags, out);
}
int vfsFullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return base_vfs->xFullPathname(base_vfs, name, n, out);
}
void* vfsDlOpen(sqlite3_vfs*, const char* name) { return base_vfs->xDlOpen(base_vfs, name); }
void vfsDlError(sqlite3_vfs*, int n, char* out) { base_vfs->xDlError(base_vfs, n, out); }
void (*vfsDlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return base_vfs->xDlSym(base_vfs, handle, symbol);
}
void vfsDlClose(sqlite3_vfs*, void* handle) { base_vfs->xDlClose(base_vfs, handle); }
int vfsRandomness(sqlite3_vfs*, int n, char* out) {
  return base_vfs->xRandomness(base_vfs, n, out);
}
int vfsSleep(sqlite3_vfs*, int micros) { return base_vfs->xSleep(base_vfs, micros); }
int vfsCurrentTime(sqlite3_vfs*, double* out) { return base_vfs->xCurrentTime(base_vfs, out); }
int vfsGetLastError(sqlite3_vfs*, int n, char* out) {
  return base_vfs->xGetLastError(base_vfs, n, out);
}
int vfsCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

sqlite3_vfs* makeVfs() {
  base_vfs = sqlite3_vfs_find(nullptr);
  if (base_vfs == nullptr) {
    return nullptr;
  }
  static sqlite3_vfs vfs{};
  vfs.iVersion = 2;  // Through xCurrentTimeInt64; the system-call hooks are only for testing.
  vfs.szOsFile = kRealOffset + base_vfs->szOsFile;
  vfs.mxPathname = base_vfs->mxPathname;
  vfs.zName = kVfsName;
  vfs.xOpen = vfsOpen;
  vfs.xDelete = vfsDelete;
  vfs.xAccess = vfsAccess;
  vfs.xFullPathname = vfsFullPathname;
  vfs.xDlOpen = base_vfs->xDlOpen != nullptr ? vfsDlOpen : nullptr;
  vfs.xDlError = base_vfs->xDlError != nullptr ? vfsDlError : nullptr;
  vfs.xDlSym = base_vfs->xDlSym != nullptr ? vfsDlSym : nullptr;
  vfs.xDlClose = base_vfs->xDlClose != nullptr ? vfsDlClose : nullptr;
  vfs.xRandomness = vfsRandomness;
  vfs.xSleep = vfsSleep;
  vfs.xCurrentTime = vfsCurrentTime;
  vfs.xGetLastError = base_vfs->xGetLastError != nullptr ? vfsGetLastError : nullptr;
  vfs.xCurrentTimeInt64 = base_vfs->iVersion >= 2 && base_vfs->xCurrentTimeInt64 != nullptr
                              ? vfsCurrentTimeInt64
                              : nullptr;
  if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) {
    return nullptr;
  }
  return &vfs;
}

}  // namespace

const char* walWriteVfsName() {
  static const sqlite3_vfs* vfs = makeVfs();
  return vfs != nullptr ? vfs->zName : nullptr;
}

}  // namespace anguan::store::sqlite
