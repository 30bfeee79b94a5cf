import Foundation

/// Test keys, made with openssl when a test runs and never kept: `openssl genpkey` writes PKCS#8, and `-traditional`
/// turns an RSA key into PKCS#1.
package enum TestKeys {
    package static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments) failed"])
        }
    }

    /// An RSA key of `bits` in `directory`/`name`: PKCS#8, or PKCS#1 with `traditional`.
    package static func rsa(_ bits: Int = 2048, in directory: TemporaryDirectory, name: String = "dkim-rsa.pem",
                    traditional: Bool = false) throws -> URL {
        let url = directory.url.appendingPathComponent(name)
        let generated = traditional ? directory.url.appendingPathComponent(name + ".pkcs8") : url
        try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:\(bits)", "-out", generated.path])
        if traditional {
            try openssl(["rsa", "-in", generated.path, "-traditional", "-out", url.path])
            try FileManager.default.removeItem(at: generated)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        return url
    }

    package static func ed25519(in directory: TemporaryDirectory, name: String = "dkim-ed25519.pem") throws -> URL {
        let url = directory.url.appendingPathComponent(name)
        try openssl(["genpkey", "-algorithm", "ed25519", "-out", url.path])
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        return url
    }

    /// Runs a script of `Tests/Peers` with the system Python; its exit status and standard output (then standard
    /// error, if it wrote any).
    package static func python(_ script: String, _ arguments: [String], input: Data? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [RepositoryFiles.url("Tests/Peers/\(script)").path] + arguments
        let output = Pipe()
        let stdin = Pipe()
        let folder = try TemporaryDirectory("casewatch-python")
        let errors = folder.url.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // What the script said on standard error follows its output, for a failing test to show.
        let said = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        return (process.terminationStatus, said.isEmpty ? text : text + said)
    }
}
