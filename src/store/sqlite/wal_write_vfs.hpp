// A SQLite VFS that wraps the default one and hands a write transaction's WAL frames to the
// kernel in writes of up to 124 KiB instead of two per page.
//
// SQLite writes every WAL frame as two pwrite calls: its 24-byte header, then the page. A commit
// of 50 pages made 100 system calls, most touching two page-cache pages because frames are not
// page aligned (docs/performance.md, "WAL frames in few writes"). This VFS collects contiguous
// writes to a WAL file in a buffer and writes them out together:
//
// - before any other operation on that file (read, sync, truncate, size, lock, file control,
//   close), so every operation sees exactly what unbuffered writes would have left;
// - right after the page of a commit frame (a frame header with a non-zero database size), so a
//   commit's frames are in the file before SQLite publishes the commit in the WAL index, whatever
//   the synchronous setting;
// - before a write that doesn't continue the buffer, and when the buffer is full.
//
// Syncing is unchanged: every xSync SQLite asks for is done, after the buffer is written. A
// failed write of the buffer is reported by the call that wrote it, or, when that call's result
// is ignored (a file-control hint), by the next read, write or sync of the file.
//
// Other files (the database, its -shm, temporary files) are the default VFS's own, untouched.
#pragma once

namespace anguan::store::sqlite {

// Registers the VFS on first use (thread-safe) and returns its name, for sqlite3_open_v2. Null
// when SQLite has no default VFS to wrap (then callers open with the default).
const char* walWriteVfsName();

}  // namespace anguan::store::sqlite
