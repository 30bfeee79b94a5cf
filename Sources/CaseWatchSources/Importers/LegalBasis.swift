import Foundation

/// The law a foreign-agent designation rests on, and the register's category it gives (DOMAIN §6), read loosely
/// from the register's Russian text: by the law's number or title and the article.
///
/// | law | category | written in case files as |
/// |---|---|---|
/// | 255-FZ art. 7 | `general` | `255-FZ art. 7` |
/// | NGO law (7-FZ) art. 32 | `ngo` | `NGO law art. 32` |
/// | media law (2124-1) art. 6 | `media` | `media law art. 6` |
/// | 272-FZ art. 2.1 | `individual` | `272-FZ art. 2.1` |
/// | public-associations law (82-FZ) art. 29.1 | `unregistered_association` | `public-associations law art. 29.1` |
///
/// When the text names several, the one it names first counts.
package struct LegalBasis: Sendable, Hashable {
    /// The short form the sample registry uses (`NGO law art. 32`).
    package let citation: String
    package let category: String

    package static let general = LegalBasis(citation: "255-FZ art. 7", category: "general")
    package static let ngo = LegalBasis(citation: "NGO law art. 32", category: "ngo")
    package static let media = LegalBasis(citation: "media law art. 6", category: "media")
    package static let individual = LegalBasis(citation: "272-FZ art. 2.1", category: "individual")
    package static let unregisteredAssociation = LegalBasis(
        citation: "public-associations law art. 29.1", category: "unregistered_association")

    /// The basis `text` names first, or nil when it names none of the five.
    package static func recognise(_ text: String) -> LegalBasis? {
        let text = " " + OfficialName.normalized(text).lowercased().replacingOccurrences(of: "ё", with: "е")
            .replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "—", with: "-") + " "
        var best: (position: Int, basis: LegalBasis)?
        for (basis, markers) in markers {
            for marker in markers {
                guard let position = firstPosition(of: marker, in: text) else { continue }
                if best.map({ position < $0.position }) ?? true { best = (position, basis) }
            }
        }
        return best?.basis
    }

    /// What names each law: its number (not preceded by another digit: `7-фз` is not `127-фз`), its title, or the
    /// register's own wording.
    private static let markers: [(LegalBasis, [String])] = [
        (.general, ["255-фз", "255 фз", "контроле за деятельностью лиц, находящихся под иностранным влиянием"]),
        (.ngo, ["7-фз", "7 фз", "о некоммерческих организациях"]),
        (.media, ["2124-1", "о средствах массовой информации"]),
        (.individual, ["272-фз", "272 фз", "о мерах воздействия на лиц, причастных к нарушениям"]),
        (.unregisteredAssociation, ["82-фз", "82 фз", "об общественных объединениях"]),
    ]

    private static func firstPosition(of marker: String, in text: String) -> Int? {
        var searchStart = text.startIndex
        while let range = text.range(of: marker, range: searchStart..<text.endIndex) {
            let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : " "
            if !(marker.first?.isNumber ?? false) || !before.isNumber {
                return text.distance(from: text.startIndex, to: range.lowerBound)
            }
            searchStart = range.upperBound
        }
        return nil
    }
}
