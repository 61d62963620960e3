import Foundation

/// The operating system's reason for a failed file operation. Foundation wraps it ("Is a directory", "Bad file
/// descriptor") in a generic error ("The operation could not be completed").
public enum SystemErrorText {
    public static func reason(_ error: any Error) -> String {
        let wrapped = error as NSError
        if let underlying = wrapped.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }
}
