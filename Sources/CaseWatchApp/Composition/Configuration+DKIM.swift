import CaseWatchChannels
import CaseWatchSources
import Foundation
import InputFormats

extension Configuration {
    /// The composer of this configuration's e-mail: `email.from` and `email.list_id`.
    package func emailComposer() throws(InputError) -> EmailComposer {
        try EmailComposer(from: email.from, listID: email.listID, file: file)
    }

    /// The signer of `email.dkim`, its keys read from their files now; nil without `email.dkim`.
    ///
    /// - Throws: ``InputError`` naming the key file and what is wrong with the key, never what it holds.
    package func dkimSigner() throws(InputError) -> DKIMSigner? {
        let keys = dkimKeys()
        try keys.problems.throwIfErrors()
        return keys.signer
    }

    /// What `casewatch check` says of `email.dkim`: the problems of its key files (key files readable by every user
    /// are warned about), and when the keys are good, the DNS TXT records that publish their public halves.
    package func dkimReport() -> (problems: [InputProblem], records: [String]) {
        let keys = dkimKeys()
        guard let signer = keys.signer else { return (keys.problems, []) }
        let records = signer.keys.map { key in "\(signer.recordName(for: key)) TXT \"\(DKIMKeyFile.record(for: key))\"" }
        return (keys.problems, records)
    }

    /// The keys of `email.dkim` and every problem met reading them; no signer when any is an error.
    private func dkimKeys() -> (signer: DKIMSigner?, problems: [InputProblem]) {
        guard let dkim = email.dkim else { return (nil, []) }
        var problems: [InputProblem] = []
        var keys: [DKIMSigner.Key] = []
        if let pem = readKey(dkim.keyFile, field: "email.dkim.key_file", line: dkim.keyFileLine, problems: &problems) {
            do throws(DKIMKeyFile.Problem) {
                keys.append(.rsa(try DKIMKeyFile.rsa(pem: pem)))
            } catch {
                problems.append(InputProblem(file: file, line: dkim.keyFileLine, field: "email.dkim.key_file",
                                             message: "\(dkim.keyFile) \(error.reason)"))
            }
        }
        if let path = dkim.ed25519KeyFile,
           let pem = readKey(path, field: "email.dkim.ed25519_key_file", line: dkim.ed25519KeyFileLine,
                             problems: &problems)
        {
            do throws(DKIMKeyFile.Problem) {
                keys.append(.ed25519(try DKIMKeyFile.ed25519(pem: pem)))
            } catch {
                problems.append(InputProblem(file: file, line: dkim.ed25519KeyFileLine,
                                             field: "email.dkim.ed25519_key_file", message: "\(path) \(error.reason)"))
            }
        }
        guard problems.errors.isEmpty else { return (nil, problems) }
        return (DKIMSigner(domain: dkim.domain, selector: dkim.selector, keys: keys), problems)
    }

    /// The text of a key file, with a warning when every user of the machine may read it; nil (and an error) when
    /// it cannot be read.
    private func readKey(_ path: String, field: String, line: Int?, problems: inout [InputProblem]) -> String? {
        let url = resolve(path)
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            problems.append(InputProblem(file: file, line: line, field: field,
                                         message: "cannot read \(path): \(String(cString: strerror(errno)))"))
            return nil
        }
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else {
            problems.append(InputProblem(file: file, line: line, field: field,
                                         message: "cannot read \(path) as PEM text (is it readable by this user?)"))
            return nil
        }
        if status.st_mode & S_IROTH != 0 {
            problems.append(InputProblem(
                file: file, line: line, field: field,
                message: "\(path) is readable by every user of this machine: a private key should be readable by "
                    + "CaseWatch's user alone (chmod 600)", severity: .warning))
        }
        return text
    }
}
