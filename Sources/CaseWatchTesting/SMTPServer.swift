import Foundation

/// A real SMTP server (`Tests/Peers/smtp_peer.py`, aiosmtpd) that spools what it accepts.
package final class SMTPServer: Sendable {
    package let peer: PeerProcess
    package let spool: URL
    /// The throw-away certificate the server offers with STARTTLS; clients trust it as their CA file.
    package let certificate: URL?

    /// One message as the server received it.
    package struct Message: Sendable {
        package let data: [UInt8]
        package let mailFrom: String
        package let recipients: [String]
        package let authUser: String?
        package let tls: Bool

        package var text: String { String(decoding: data, as: UTF8.self) }
    }

    /// - Parameters:
    ///   - auth: `USER:PASSWORD` required before MAIL.
    ///   - tls: offer and require STARTTLS with a certificate made for this server.
    ///   - script: reply codes, one per message (`451`, `550`, `250`…), then everything is accepted.
    package init(auth: String? = nil, tls: Bool = false, script: [String] = []) throws {
        let directory = try TemporaryDirectory("casewatch-smtp")
        spool = directory.url.appendingPathComponent("spool")
        var arguments = ["--spool", spool.path]
        if let auth { arguments += ["--auth", auth] }
        if tls {
            let maker = Process()
            maker.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            maker.arguments = [RepositoryFiles.url("Tests/Peers/smtp_peer.py").path, "--make-cert", directory.path]
            maker.standardOutput = FileHandle.nullDevice
            maker.standardError = FileHandle.nullDevice
            try maker.run()
            maker.waitUntilExit()
            certificate = directory.url.appendingPathComponent("cert.pem")
            arguments += ["--tls", "\(certificate!.path),\(directory.url.appendingPathComponent("key.pem").path)"]
        } else {
            certificate = nil
        }
        if !script.isEmpty {
            let file = try directory.write("script", script.joined(separator: "\n") + "\n")
            arguments += ["--script", file.path]
        }
        peer = try PeerProcess("smtp_peer.py", arguments: arguments, directory: directory)
    }

    package var port: Int { peer.port }

    /// The messages accepted so far, in arrival order.
    package func messages() throws -> [Message] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? []
        let numbers = names.compactMap { $0.hasSuffix(".json") ? Int($0.dropLast(5)) : nil }.sorted()
        return try numbers.map { number in
            let meta = try JSONSerialization.jsonObject(
                with: Data(contentsOf: spool.appendingPathComponent("\(number).json"))) as? [String: Any] ?? [:]
            return Message(
                data: Array(try Data(contentsOf: spool.appendingPathComponent("\(number).eml"))),
                mailFrom: meta["mail_from"] as? String ?? "", recipients: meta["rcpt_tos"] as? [String] ?? [],
                authUser: meta["auth_user"] as? String, tls: meta["tls"] as? Bool ?? false)
        }
    }

    /// The refusals the script made, one line each (`451 rcpt alerts@example.org`).
    package func rejections() -> [String] {
        ((try? String(contentsOf: spool.appendingPathComponent("rejections.log"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    package func stop() { peer.stop() }
}
