import CaseWatchApp
import CaseWatchSources
import CaseWatchTesting
import Foundation
import InputFormats
import Testing

/// `email.dkim` and `email.list_id` in `casewatch.yml`: what is read, and what is refused with file, line and field.
@Suite("DKIM configuration")
struct DKIMConfigurationTests {
    /// Every problem of the configuration (errors and warnings), with the temporary path written as casewatch.yml.
    func load(_ yaml: String) throws -> (Configuration?, [String]) {
        let directory = try TemporaryDirectory()
        let file = try directory.write("casewatch.yml", yaml)
        let clean = { (problem: InputProblem) in
            problem.description.replacingOccurrences(of: file.path, with: "casewatch.yml")
        }
        do {
            let configuration = try Configuration.load(path: file.path)
            return (configuration, configuration.warnings.map(clean))
        } catch {
            return (nil, error.problems.map(clean))
        }
    }

    @Test("email.dkim and list_id are read; the list id defaults to one made from from")
    func read() throws {
        let (configuration, problems) = try load("""
            email:
              from: "CaseWatch <alerts@example.org>"
              list_id: "CaseWatch alerts <alerts.example.org>"
              dkim: {domain: Example.org, selector: cw2026, key_file: keys/rsa.pem, ed25519_key_file: keys/ed.pem}

            """)
        #expect(problems.isEmpty, "\(problems)")
        let dkim = try #require(configuration?.email.dkim)
        #expect(dkim.domain == "example.org" && dkim.selector == "cw2026")
        #expect(dkim.keyFile == "keys/rsa.pem" && dkim.ed25519KeyFile == "keys/ed.pem" && dkim.keyFileLine == 4)
        #expect(configuration?.email.listID == "CaseWatch alerts <alerts.example.org>")
        #expect(try configuration?.emailComposer().listID == "CaseWatch alerts <alerts.example.org>")

        let (plain, _) = try load("email:\n  from: \"CaseWatch <alerts@example.org>\"\n")
        #expect(plain?.email.dkim == nil)
        #expect(try plain?.emailComposer().listID == "CaseWatch <alerts.example.org>")
    }

    @Test("refused with file, line and field", arguments: [
        ("email:\n  dkim:\n    domain: example.org\n    selector: s1\n    ed25519_key_file: ed.pem\n",
         "casewatch.yml:3: email.dkim.key_file: is required beside ed25519_key_file: Gmail and Outlook verify only "
            + "rsa-sha256, so an ed25519-sha256 signature is never the only one"),
        ("email:\n  dkim:\n    domain: example.org\n    selector: s1\n",
         "casewatch.yml:3: email.dkim.key_file: is required: the RSA key (PEM) that signs rsa-sha256"),
        ("email:\n  dkim:\n    domain: localhost\n    selector: s1\n    key_file: k.pem\n",
         #"casewatch.yml:3: email.dkim.domain: "localhost" is not a domain name (letters, digits and hyphens, in dot-separated labels)"#),
        ("email:\n  dkim:\n    domain: example.org\n    selector: \"s 1\"\n    key_file: k.pem\n",
         #"casewatch.yml:4: email.dkim.selector: "s 1" is not a DKIM selector (letters, digits and hyphens, in dot-separated labels)"#),
        ("email:\n  list_id: alerts.example.org\n",
         #"casewatch.yml:2: email.list_id: "alerts.example.org" is not a list id: write it as `Name <label.example.org>` (RFC 2919)"#),
        ("email:\n  list_id: \"Alerts <nodot>\"\n",
         #"casewatch.yml:2: email.list_id: "<nodot>" is not a list id: dot-separated words with at least one dot, like <alerts.example.org>"#),
    ])
    func refused(yaml: String, expected: String) throws {
        let (configuration, problems) = try load(yaml)
        #expect(configuration == nil)
        #expect(problems == [expected])
    }

    @Test("a signing domain unrelated to the From domain is warned about (DMARC alignment)")
    func alignment() throws {
        let (aligned, quiet) = try load("""
            email:
              from: "CaseWatch <alerts@news.example.org>"
              dkim: {domain: example.org, selector: s1, key_file: k.pem}

            """)
        #expect(aligned != nil && quiet.isEmpty, "\(quiet)")
        let (_, warned) = try load("""
            email:
              from: "CaseWatch <alerts@example.org>"
              dkim: {domain: mailer.example.net, selector: s1, key_file: k.pem}

            """)
        #expect(warned == ["casewatch.yml:3: warning: email.dkim.domain: d=mailer.example.net is not aligned with the From "
                           + "domain example.org: DMARC passes on DKIM only when the signing domain is the From domain "
                           + "or shares its organisational domain"])
    }
}
