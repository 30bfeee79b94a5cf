import Foundation
import InputFormats
import InternetMessage

extension Configuration.Email {
    /// `email.dkim`: the signing domain and selector, and the files that hold the private keys (never the keys).
    package struct DKIM: Sendable, Equatable {
        /// `d=`: the domain the signature speaks for; DMARC wants it to be the From domain or a parent of it.
        package var domain: String
        /// `s=`: the RSA public key is published at `<selector>._domainkey.<domain>`, the Ed25519 one at
        /// `<selector>-ed25519._domainkey.<domain>`.
        package var selector: String
        /// `key_file`: the RSA key (PEM), for `rsa-sha256`.
        package var keyFile: String
        /// `ed25519_key_file`: a second signature, `ed25519-sha256` (RFC 8463), beside the RSA one.
        package var ed25519KeyFile: String?
        /// Where each is written, for messages about the keys.
        package var keyFileLine: Int?
        package var ed25519KeyFileLine: Int?

        package init(domain: String, selector: String, keyFile: String, ed25519KeyFile: String? = nil) {
            self.domain = domain
            self.selector = selector
            self.keyFile = keyFile
            self.ed25519KeyFile = ed25519KeyFile
        }

    }

    /// Reads `list_id` and `dkim`.
    mutating func readDeliverability(_ fields: inout MapReader) {
        if let value = fields.string("list_id") {
            if let problem = ListID.problem(in: value) {
                fields.log.error(problem, field: fields.fieldPath("list_id"), line: fields.node("list_id")?.line)
            } else {
                listID = value.trimmingCharacters(in: .whitespaces)
            }
        }
        guard var section = fields.map("dkim") else { return }
        defer { section.finish() }
        let domain = section.string("domain", required: true)
        let selector = section.string("selector", required: true)
        let keyFile = section.string("key_file")
        let ed25519KeyFile = section.string("ed25519_key_file")
        for (key, value) in [("domain", domain), ("selector", selector)] {
            guard let value, !Self.isDomainName(value, minimumLabels: key == "domain" ? 2 : 1) else { continue }
            section.log.error("\"\(value)\" is not a \(key == "domain" ? "domain name" : "DKIM selector") "
                              + "(letters, digits and hyphens, in dot-separated labels)",
                              field: section.fieldPath(key), line: section.node(key)?.line)
        }
        if keyFile == nil {
            let reason = ed25519KeyFile == nil
                ? "is required: the RSA key (PEM) that signs rsa-sha256"
                : "is required beside ed25519_key_file: Gmail and Outlook verify only rsa-sha256, so an "
                    + "ed25519-sha256 signature is never the only one"
            section.log.error(reason, field: section.fieldPath("key_file"), line: section.line)
        }
        guard let domain, let selector, let keyFile else { return }
        var dkim = DKIM(domain: domain.lowercased(), selector: selector.lowercased(), keyFile: keyFile,
                        ed25519KeyFile: ed25519KeyFile)
        dkim.keyFileLine = section.node("key_file")?.line
        dkim.ed25519KeyFileLine = section.node("ed25519_key_file")?.line
        if let sender = Self.domain(ofSender: from), !Self.aligned(sender, dkim.domain) {
            section.log.warning("d=\(dkim.domain) is not aligned with the From domain \(sender): DMARC passes on DKIM "
                                + "only when the signing domain is the From domain or shares its organisational domain",
                                field: section.fieldPath("domain"), line: section.node("domain")?.line)
        }
        self.dkim = dkim
    }

    /// Letter-digit-hyphen labels separated by dots, at least `minimumLabels` of them (RFC 1035 §2.3.1, with a
    /// leading digit allowed).
    static func isDomainName(_ text: String, minimumLabels: Int) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return text.utf8.count <= 253 && labels.count >= minimumLabels && labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "-" || $0.properties.isAlphabetic
                    || ("0"..."9").contains($0)) }
        }
    }

    /// The domain of `from` (`CaseWatch <alerts@example.org>` gives `example.org`), lower case.
    static func domain(ofSender from: String) -> String? {
        guard let at = from.lastIndex(of: "@") else { return nil }
        let domain = from[from.index(after: at)...].prefix { $0 != ">" && !$0.isWhitespace }
        return domain.isEmpty ? nil : domain.lowercased()
    }

    /// DMARC's relaxed alignment, approximated without the public suffix list: the same domain, or one a
    /// subdomain of the other.
    static func aligned(_ sender: String, _ signer: String) -> Bool {
        sender == signer || sender.hasSuffix("." + signer) || signer.hasSuffix("." + sender)
    }
}
