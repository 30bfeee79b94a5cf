import Foundation
import InternetMessage

/// Texts and messages shared by the tests: a Cyrillic alert with a French recipient, as CaseWatch sends them.
enum MessageFixtures {
    static let cyrillicSubject =
        "Московская Хельсинкская группа: суд постановил ликвидировать организацию — апелляция отклонена"
    static let frenchSubject =
        "Groupe Helsinki de Moscou : la cour d’appel confirme la liquidation — décision définitive"
    static let cyrillicText = """
        Мосгорсуд оставил в силе решение о ликвидации Московской Хельсинкской группы.
        Следующее заседание не назначено.\r
        Источник: https://mos-gorsud.ru/
        """
    static let frenchHTML = """
        <!doctype html>
        <html lang="fr"><body>
        <p>La cour d’appel a confirmé la liquidation du <b>Groupe Helsinki de Moscou</b>.</p>
        <p>Prochaine audience : aucune — décision définitive. Ça, c’est à suivre… «&nbsp;fin&nbsp;»</p>
        </body></html>
        """
    /// 2026-11-26T10:00:00Z, a Thursday.
    static let date = Date(timeIntervalSince1970: 1_795_687_200)

    static func alert(subject: String = cyrillicSubject, html: String? = frenchHTML) throws -> EmailMessage {
        EmailMessage(
            from: try MailAddress(address: "alerts@casewatch.example.org", displayName: "Наблюдение за делами"),
            to: [
                try MailAddress(address: "commissioner@coe.example.int", displayName: "Bureau de la Commissaire"),
                try MailAddress(address: "watch@example.org"),
                try MailAddress(address: "legal@example.org", displayName: "Watch, Legal \"Team\""),
            ],
            subject: subject,
            date: date,
            messageID: "evt_01hx3kq.coe@casewatch.example.org",
            inReplyTo: "case_mhg.root@casewatch.example.org",
            references: ["case_mhg.root@casewatch.example.org", "evt_01hx1aa.coe@casewatch.example.org"],
            listUnsubscribe: "https://casewatch.example.org/unsubscribe?s=coe&t=abc123",
            extraHeaders: [("Auto-Submitted", "auto-generated"), ("Content-Language", "ru")],
            textBody: cyrillicText,
            htmlBody: html
        )
    }

    /// `text` with its line ends made CRLF, as the encoded body carries it.
    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
    }
}
