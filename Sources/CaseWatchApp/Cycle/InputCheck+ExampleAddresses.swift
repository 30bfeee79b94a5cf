import CaseWatchModel
import CaseWatchSources
import InputFormats

extension InputCheck {
    /// The domains RFC 2606 keeps for documentation: mail to them goes nowhere.
    static let documentationDomains = ["example.org", "example.com", "example.net"]

    /// With a real SMTP relay configured, a warning for every address still at a documentation domain (the sample
    /// set-up's `from`, operator and subscribers): each such message would be sent, and never read.
    static func exampleAddresses(_ configuration: Configuration, subscribers: [Subscriber]) -> [InputProblem] {
        guard configuration.email.transport == .smtp else { return [] }
        func atExampleDomain(_ address: String) -> Bool {
            let mailbox = address.split(separator: "<").last.map { $0.split(separator: ">").first ?? $0 } ?? Substring(address)
            guard let at = mailbox.lastIndex(of: "@") else { return false }
            let domain = mailbox[mailbox.index(after: at)...].lowercased().trimmingCharacters(in: .whitespaces)
            return documentationDomains.contains { domain == $0 || domain.hasSuffix("." + $0) }
        }
        let why = "is at a documentation domain (example.org, .com, .net): with email.transport: smtp it would be "
            + "sent and never read"
        var warnings: [InputProblem] = []
        if atExampleDomain(configuration.email.from) {
            warnings.append(InputProblem(file: configuration.file, line: nil, field: "email.from",
                                         message: "\(configuration.email.from) \(why)", severity: .warning))
        }
        if let address = configuration.operatorEmail, atExampleDomain(address) {
            warnings.append(InputProblem(file: configuration.file, line: nil, field: "operator.email",
                                         message: "\(address) \(why)", severity: .warning))
        }
        for subscriber in subscribers {
            guard let address = subscriber.email, atExampleDomain(address) else { continue }
            warnings.append(InputProblem(file: subscriber.file, line: nil, field: "email",
                                         message: "\(address) \(why)", severity: .warning))
        }
        return warnings
    }
}
