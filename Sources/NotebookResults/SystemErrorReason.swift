import Foundation

/// The system's words for a failed file operation, as `strerror` gives them ("Permission
/// denied", "No space left on device"), never Foundation's "You don't have permission…" or
/// "The operation could not be completed (NSCocoaErrorDomain error 256)".
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
}
