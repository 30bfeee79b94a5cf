import Crypto
import Foundation
import _CryptoExtras

/// Reads DKIM private keys from PEM text and gives the DNS records that publish their public halves.
///
/// Errors say what is wrong with a key, never what it holds.
package enum DKIMKeyFile {
    /// Why a key file cannot be used.
    package struct Problem: Error, Sendable, CustomStringConvertible {
        package let reason: String
        package var description: String { reason }
    }

    /// The RSA bits DKIM keys must have at least: RFC 8301 requires 1024 and recommends 2048; the large mailbox
    /// providers ask for 2048.
    package static let minimumRSABits = 2048

    /// An RSA private key in PEM, PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`), of at least
    /// 2048 bits.
    package static func rsa(pem: String) throws(Problem) -> _RSA.Signing.PrivateKey {
        if pem.contains("ENCRYPTED") {
            throw Problem(reason: "is encrypted with a passphrase: CaseWatch reads unencrypted keys only "
                          + "(keep the file readable by CaseWatch's user alone)")
        }
        guard pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN PRIVATE KEY-----") else {
            throw Problem(reason: "holds no RSA private key in PEM (BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)")
        }
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem)
        } catch {
            // The unsafe reader still refuses keys under 1024 bits; anything else it refuses is not an RSA key.
            if let refusal = error as? CryptoKitError, case .incorrectParameterSize = refusal {
                throw Problem(reason: "is an RSA key of fewer than 1024 bits: DKIM needs \(minimumRSABits) bits "
                              + "(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)")
            }
            throw Problem(reason: "is not a readable RSA private key (PKCS#1 or PKCS#8 PEM)")
        }
        guard key.keySizeInBits >= minimumRSABits else {
            throw Problem(reason: "is a \(key.keySizeInBits)-bit RSA key: DKIM needs \(minimumRSABits) bits "
                          + "(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)")
        }
        return key
    }

    /// The DER prefix of an Ed25519 private key in PKCS#8 (RFC 8410 §7), as `openssl genpkey -algorithm ed25519`
    /// writes it, up to the 32 octets of the key; the version octet (offset 4) may be 0 or 1.
    private static let ed25519Prefix: [UInt8] = [
        0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]

    /// An Ed25519 private key in PKCS#8 PEM (`BEGIN PRIVATE KEY`).
    package static func ed25519(pem: String) throws(Problem) -> Curve25519.Signing.PrivateKey {
        if pem.contains("ENCRYPTED") {
            throw Problem(reason: "is encrypted with a passphrase: CaseWatch reads unencrypted keys only")
        }
        guard let der = pemBody(pem, label: "PRIVATE KEY"), der.count >= 48 else {
            throw Problem(reason: "holds no Ed25519 private key in PKCS#8 PEM (openssl genpkey -algorithm ed25519)")
        }
        let matches = der.indices.prefix(ed25519Prefix.count).allSatisfy { index in
            index == 1 || index == 4 ? true : der[index] == ed25519Prefix[index]
        }
        guard matches, der[4] <= 1, Int(der[1]) == der.count - 2 else {
            throw Problem(reason: "is not an Ed25519 key (an RSA key belongs in key_file)")
        }
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: der[16..<48])
        } catch {
            throw Problem(reason: "is not a readable Ed25519 private key")
        }
    }

    /// The base64 body of the first PEM block with `label`, decoded.
    private static func pemBody(_ pem: String, label: String) -> [UInt8]? {
        guard let begin = pem.range(of: "-----BEGIN \(label)-----"),
              let end = pem.range(of: "-----END \(label)-----", range: begin.upperBound..<pem.endIndex)
        else { return nil }
        let base64 = pem[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(base64)).map(Array.init)
    }

    /// The TXT record that publishes `key`'s public half: `v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>`
    /// (RFC 6376 §3.6.1), or `k=ed25519; p=<base64 of the 32-octet public key>` (RFC 8463 §4).
    package static func record(for key: DKIMSigner.Key) -> String {
        switch key {
        case .rsa(let key):
            "v=DKIM1; k=rsa; p=\(key.publicKey.derRepresentation.base64EncodedString())"
        case .ed25519(let key):
            "v=DKIM1; k=ed25519; p=\(key.publicKey.rawRepresentation.base64EncodedString())"
        }
    }
}
