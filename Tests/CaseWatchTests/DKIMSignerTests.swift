import CaseWatchChannels
import CaseWatchModel
import CaseWatchRendering
import CaseWatchTesting
import Foundation
import InternetMessage
import Testing

@Suite("DKIM signing")
struct DKIMSignerTests {
    func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    @Test("RSA keys are read from PKCS#1 and PKCS#8 PEM; the record publishes the SubjectPublicKeyInfo")
    func rsaKeys() throws {
        let directory = try TemporaryDirectory("casewatch-dkim")
        for traditional in [false, true] {
            let url = try TestKeys.rsa(in: directory, name: "k\(traditional).pem", traditional: traditional)
            let pem = try text(url)
            #expect(pem.contains(traditional ? "BEGIN RSA PRIVATE KEY" : "BEGIN PRIVATE KEY"))
            let key = try DKIMKeyFile.rsa(pem: pem)
            #expect(key.keySizeInBits == 2048)
            let record = DKIMKeyFile.record(for: .rsa(key))
            #expect(record.hasPrefix("v=DKIM1; k=rsa; p=MII"))
            let spki = try #require(Data(base64Encoded: String(record.dropFirst("v=DKIM1; k=rsa; p=".count))))
            #expect(spki.count == 294, "a 2048-bit SubjectPublicKeyInfo")
        }
    }

    @Test("a key under 2048 bits is refused with its size; what is not a key says so, never what it holds")
    func refusedKeys() throws {
        let directory = try TemporaryDirectory("casewatch-dkim")
        let small = try text(try TestKeys.rsa(1024, in: directory, name: "small.pem"))
        #expect(throws: DKIMKeyFile.Problem.self) { try DKIMKeyFile.rsa(pem: small) }
        do {
            _ = try DKIMKeyFile.rsa(pem: small)
        } catch {
            #expect(error.reason.contains("1024-bit RSA key: DKIM needs 2048 bits"), "\(error)")
            #expect(!error.reason.contains("MII"))
        }
        let ed25519 = try text(try TestKeys.ed25519(in: directory))
        #expect(throws: DKIMKeyFile.Problem.self) { try DKIMKeyFile.rsa(pem: ed25519) }
        #expect(throws: DKIMKeyFile.Problem.self) { try DKIMKeyFile.ed25519(pem: small) }
        #expect(throws: DKIMKeyFile.Problem.self) { try DKIMKeyFile.rsa(pem: "not a key") }
    }

    @Test("Ed25519 keys are read from openssl's PKCS#8; the record publishes the raw 32-byte public key")
    func ed25519Keys() throws {
        let directory = try TemporaryDirectory("casewatch-dkim")
        let key = try DKIMKeyFile.ed25519(pem: try text(try TestKeys.ed25519(in: directory)))
        let record = DKIMKeyFile.record(for: .ed25519(key))
        #expect(record.hasPrefix("v=DKIM1; k=ed25519; p="))
        #expect(Data(base64Encoded: String(record.dropFirst("v=DKIM1; k=ed25519; p=".count)))?.count == 32)
    }

    @Test("a signed message verifies with dkimpy, rsa-sha256 alone and with ed25519-sha256 beside it",
          arguments: [false, true])
    func verifiedByDKIMPy(withEd25519: Bool) throws {
        let directory = try TemporaryDirectory("casewatch-dkim")
        var keys: [DKIMSigner.Key] = [.rsa(try DKIMKeyFile.rsa(pem: try text(try TestKeys.rsa(in: directory))))]
        if withEd25519 {
            keys.append(.ed25519(try DKIMKeyFile.ed25519(pem: try text(try TestKeys.ed25519(in: directory)))))
        }
        let signer = DKIMSigner(domain: "example.org", selector: "cw2026", keys: keys)
        let composer = try EmailComposer(from: "CaseWatch <alerts@example.org>", file: "test")
        let subscriber = Subscriber(id: "reader", name: "Анна Смирнова", language: .ru, email: "anna@example.org")
        let alert = RenderedAlert(subject: "Дело «Мемориала»: решение вступило в силу", text: "Текст  \nс пробелами \n",
                                  html: "<p>Текст</p>", summary: "Решение")
        let message = try composer.compose(alert, subscriber: subscriber, to: "anna@example.org",
                                           messageID: "evt_1.reader@example.org", threadRoot: "case.x@example.org",
                                           tag: "test", unsubscribeURL: "https://alerts.example.org/u/t", date: Date())
        #expect(String(decoding: message, as: UTF8.self).contains("\r\nList-Id: CaseWatch <alerts.example.org>\r\n"))
        let signed = try signer.signed(message, at: Date())
        #expect(Array(signed.suffix(message.count)) == message, "the message itself is left as it was")
        let file = directory.url.appendingPathComponent("signed.eml")
        try Data(signed).write(to: file)
        let records = keys.map { "--record=\(signer.recordName(for: $0))=\(DKIMKeyFile.record(for: $0))" }
        #expect(keys.map(signer.recordName(for:)) == (withEd25519
            ? ["cw2026._domainkey.example.org", "cw2026-ed25519._domainkey.example.org"] : ["cw2026._domainkey.example.org"]))
        let (status, output) = try TestKeys.python("dkim_verify.py", records + [file.path])
        #expect(status == 0, "\(output)")
        let line = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let signatures = try #require(line["signatures"] as? [[String: Any]])
        #expect(signatures.map { $0["algorithm"] as? String } == (withEd25519 ? ["rsa-sha256", "ed25519-sha256"]
                                                                                : ["rsa-sha256"]))
        #expect(signatures.allSatisfy { $0["verified"] as? Bool == true })
        let headers = try #require(signatures.first?["headers"] as? [String])
        for name in ["from", "to", "subject", "date", "message-id", "list-id", "list-unsubscribe",
                     "list-unsubscribe-post"] {
            #expect(headers.contains(name))
        }

        // A changed subject no longer verifies.
        let tampered = String(decoding: signed, as: UTF8.self)
            .replacingOccurrences(of: "\r\nSubject: ", with: "\r\nSubject: Re: ")
        try Data(tampered.utf8).write(to: file)
        #expect(try TestKeys.python("dkim_verify.py", records + [file.path]).0 == 1)
    }

    @Test("the signer prints its domain, selector and algorithms, never a key")
    func description() throws {
        let directory = try TemporaryDirectory("casewatch-dkim")
        let pem = try text(try TestKeys.rsa(in: directory))
        let signer = DKIMSigner(domain: "example.org", selector: "s1", keys: [.rsa(try DKIMKeyFile.rsa(pem: pem))])
        #expect("\(signer)" == "DKIM rsa-sha256 for d=example.org s=s1")
        var dumped = ""
        dump(signer, to: &dumped)
        #expect(!dumped.contains("MII") && !dumped.contains("PrivateKey"), "\(dumped)")
    }
}
