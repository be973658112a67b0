import Foundation

/// The system's words for a failed file operation, as `strerror` gives them ("Permission
/// denied", "No space left on device"), never Foundation's "You don't have permission…" or
/// "The operation could not be completed (NSCocoaErrorDomain error 256)". Its own target, so
/// the engine and everything above it word file errors the same way.
public enum SystemErrorReason {
    /// The POSIX message behind `error`, or its own text when it carries none.
    public static func reason(for error: Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        if error.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: error.code) as CocoaError.Code {
            case .fileNoSuchFile, .fileReadNoSuchFile: return String(cString: strerror(ENOENT))
            case .fileReadNoPermission, .fileWriteNoPermission: return String(cString: strerror(EACCES))
            case .fileWriteOutOfSpace: return String(cString: strerror(ENOSPC))
            case .fileWriteVolumeReadOnly: return String(cString: strerror(EROFS))
            case .fileReadTooLarge: return String(cString: strerror(EFBIG))
            default: break
            }
        }
        return error.localizedFailureReason ?? error.localizedDescription
    }

    /// Why `path` cannot be read as a file, checked with `stat` before opening it so a FIFO
    /// never blocks the read and a device or `/proc` file never streams without end; nil
    /// for a regular file.
    public static func notARegularFile(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return String(cString: strerror(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "it is a folder, not a regular file"
        case S_IFIFO: return "it is a FIFO (named pipe), not a regular file"
        case S_IFCHR, S_IFBLK: return "it is a device, not a regular file"
        default: return "it is not a regular file"
        }
    }
}
