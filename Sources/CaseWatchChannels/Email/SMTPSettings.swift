import Foundation

/// The SMTP relay, with the password already read from its environment variable or file.
package struct SMTPSettings: Sendable {
    package var url: String
    package var requireTLS: Bool
    package var username: String?
    package var password: String?
    package var caFile: String?
    package var envelopeFrom: String
    package var connectTimeout: TimeInterval = 10
    package var timeout: TimeInterval = 60

    package init(url: String, requireTLS: Bool, username: String?, password: String?, caFile: String?,
                envelopeFrom: String) {
        self.url = url
        self.requireTLS = requireTLS
        self.username = username
        self.password = password
        self.caFile = caFile
        self.envelopeFrom = envelopeFrom
    }
}

extension SMTPSettings: CustomStringConvertible, CustomReflectable {
    /// The relay and the login, never the password.
    package var description: String {
        "SMTP relay \(url) (user \(username ?? "none"), password \(password == nil ? "unset" : "withheld"))"
    }

    package var customMirror: Mirror {
        Mirror(self, children: ["url": url, "requireTLS": requireTLS, "username": username as Any,
                                "envelopeFrom": envelopeFrom], displayStyle: .struct)
    }
}
