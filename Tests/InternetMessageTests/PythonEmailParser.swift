import Foundation

/// Python's standard `email` package as an independent reader of the messages: `/usr/bin/python3` parses one
/// message with `BytesParser(policy=email.policy.default)` and prints what it understood as JSON.
enum PythonEmailParser {
    /// What Python read: decoded headers, parts in order, and every defect it noticed anywhere.
    struct Parsed: Decodable {
        struct Mailbox: Decodable, Equatable {
            let name: String
            let address: String
        }

        struct Part: Decodable {
            let contentType: String
            let charset: String?
            let transferEncoding: String?
            let body: String
            let defects: [String]
        }

        let subject: String
        let from: [Mailbox]
        let to: [Mailbox]
        let date: String
        let messageID: String
        let inReplyTo: String?
        let references: String?
        let listUnsubscribe: String?
        let listUnsubscribePost: String?
        let headers: [[String]]
        let contentType: String
        let defects: [String]
        let parts: [Part]
    }

    static let script = #"""
        import json, sys
        from email import policy
        from email.parser import BytesParser

        with open(sys.argv[1], "rb") as f:
            msg = BytesParser(policy=policy.default).parse(f)

        def defects(entity):
            found = [type(d).__name__ for d in entity.defects]
            for name, value in entity.items():
                found += [name + ": " + type(d).__name__ for d in getattr(value, "defects", ())]
            return found

        def mailboxes(name):
            return [{"name": a.display_name, "address": a.addr_spec} for a in msg[name].addresses]

        def optional(name):
            return None if msg[name] is None else str(msg[name])

        parts = list(msg.iter_parts()) if msg.is_multipart() else [msg]
        print(json.dumps({
            "subject": str(msg["subject"]),
            "from": mailboxes("from"),
            "to": mailboxes("to"),
            "date": msg["date"].datetime.isoformat(),
            "messageID": str(msg["message-id"]),
            "inReplyTo": optional("in-reply-to"),
            "references": optional("references"),
            "listUnsubscribe": optional("list-unsubscribe"),
            "listUnsubscribePost": optional("list-unsubscribe-post"),
            "headers": [[name, str(value)] for name, value in msg.items()],
            "contentType": msg.get_content_type(),
            "defects": defects(msg),
            "parts": [{
                "contentType": p.get_content_type(),
                "charset": p.get_content_charset(),
                "transferEncoding": p["content-transfer-encoding"],
                "body": p.get_content(),
                "defects": defects(p),
            } for p in parts],
        }))
        """#

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses `message` with Python, giving up after `timeout` seconds.
    static func parse(_ message: [UInt8], timeout: Duration = .seconds(30)) async throws -> Parsed {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("internet-message-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scriptURL = directory.appendingPathComponent("parse.py")
        let messageURL = directory.appendingPathComponent("message.eml")
        let outputURL = directory.appendingPathComponent("stdout.json")
        let errorURL = directory.appendingPathComponent("stderr.txt")
        try Data(script.utf8).write(to: scriptURL)
        try Data(message).write(to: messageURL)
        // Files, not pipes: a full pipe cannot stall Python while the test waits for it.
        try Data().write(to: outputURL)
        try Data().write(to: errorURL)
        let output = try FileHandle(forWritingTo: outputURL)
        let errors = try FileHandle(forWritingTo: errorURL)
        defer {
            try? output.close()
            try? errors.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        // -I: isolated mode, no user site-packages or PYTHON* variables, so only the standard library answers.
        process.arguments = ["-I", scriptURL.path, messageURL.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw Failure(description: "python3 did not finish within \(timeout)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
            throw Failure(description: "python3 exited with \(process.terminationStatus): \(stderr)")
        }
        return try JSONDecoder().decode(Parsed.self, from: Data(contentsOf: outputURL))
    }
}
