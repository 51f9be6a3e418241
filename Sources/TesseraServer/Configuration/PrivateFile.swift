import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files only their owner may read: the master key and the SQLite database Tessera creates.
///
/// Created with `O_CREAT|O_EXCL` and mode 0600 in the one `open` call, so there is no moment when
/// the file exists with wider permissions, and an existing file (or a planted symlink) is never
/// reused.
enum PrivateFile {
    struct Failure: Error, CustomStringConvertible {
        let path: String
        let code: Int32

        var description: String { "cannot create \(path): \(String(cString: strerror(code)))" }
    }

    /// Creates `path` (which must not exist) with mode 0600 and writes `contents` to it.
    static func create(at path: String, contents: Data = Data()) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw Failure(path: path, code: errno) }
        defer { close(descriptor) }
        let written = contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == contents.count, fsync(descriptor) == 0 else {
            let code = errno
            unlink(path)
            throw Failure(path: path, code: code)
        }
    }
}
