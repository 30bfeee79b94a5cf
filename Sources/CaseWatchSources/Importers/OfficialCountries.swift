/// The countries the Ministry's lists name after an organisation («(США)», «, Великобритания»), in Russian, with
/// their ISO 3166-1 codes: how ``OfficialName/split(_:)`` tells a trailing country from a name in parentheses.
///
/// Only names known here count as a country; a parenthesised part that is not one stays a name. The list covers the
/// countries of the organisations on the lists and their usual long forms; add to it when a list names another.
enum OfficialCountries {
    /// The ISO code of `name` (any case, quotes and punctuation ignored), or nil when it is not a country known here.
    static func code(of name: String) -> String? {
        let key = OfficialName.matchKey(name)
        if let code = codes[key] { return code }
        // «Королевство Нидерландов», «Федеративная Республика Германия», «Французская Республика»: a form of state
        // before or after a known name.
        let words = key.split(separator: " ").map(String.init)
        let stripped = words.filter { !stateForms.contains($0) }.joined(separator: " ")
        return stripped.isEmpty || stripped == key ? nil : codes[stripped]
    }

    /// Whether every part of `text` separated by commas or «и» is a known country («США, Великобритания»).
    static func isCountryList(_ text: String) -> Bool {
        let joined = ListText.containsBytes(text, " и ") ? text.replacingOccurrences(of: " и ", with: ",") : text
        let parts = joined.split(separator: ",")
            .map { ListText.trimmed($0, where: ListText.isWhitespace) }.filter { !$0.isEmpty }
        return !parts.isEmpty && parts.allSatisfy { code(of: $0) != nil }
    }

    private static let stateForms: Set<String> = [
        "республика", "королевство", "федеративная", "федерация", "княжество", "великое", "герцогство", "государство",
        "содружество", "союз", "объединенное", "соединенное",
    ]

    private static let codes: [String: String] = {
        var codes: [String: String] = [:]
        for line in table.split(separator: "\n") {
            let parts = line.split(separator: ":")
            guard parts.count == 2 else { continue }
            for name in parts[1].split(separator: ",") {
                codes[OfficialName.matchKey(String(name))] = String(parts[0]).trimmingCharacters(in: .whitespaces)
            }
        }
        return codes
    }()

    private static let table = """
        US: США, Соединенные Штаты Америки, Соединенные Штаты, Соединённые Штаты Америки
        GB: Великобритания, Соединенное Королевство, Соединенное Королевство Великобритании и Северной Ирландии, Англия, Шотландия
        DE: Германия, Федеративная Республика Германия, ФРГ
        FR: Франция, Французская Республика
        NL: Нидерланды, Королевство Нидерландов, Голландия
        BE: Бельгия, Королевство Бельгия
        CH: Швейцария, Швейцарская Конфедерация
        AT: Австрия, Австрийская Республика
        IT: Италия, Итальянская Республика
        ES: Испания, Королевство Испания
        PT: Португалия, Португальская Республика
        IE: Ирландия
        LU: Люксембург
        DK: Дания, Королевство Дания
        SE: Швеция, Королевство Швеция
        NO: Норвегия, Королевство Норвегия
        FI: Финляндия, Финляндская Республика
        IS: Исландия
        EE: Эстония, Эстонская Республика
        LV: Латвия, Латвийская Республика
        LT: Литва, Литовская Республика
        PL: Польша, Республика Польша
        CZ: Чехия, Чешская Республика
        SK: Словакия, Словацкая Республика
        HU: Венгрия
        RO: Румыния
        BG: Болгария, Республика Болгария
        GR: Греция, Греческая Республика
        CY: Кипр, Республика Кипр
        MT: Мальта
        SI: Словения
        HR: Хорватия
        RS: Сербия
        ME: Черногория
        MD: Молдова, Молдавия, Республика Молдова
        UA: Украина
        BY: Беларусь, Белоруссия, Республика Беларусь
        GE: Грузия
        AM: Армения, Республика Армения
        AZ: Азербайджан, Азербайджанская Республика
        KZ: Казахстан, Республика Казахстан
        KG: Киргизия, Кыргызстан, Кыргызская Республика
        UZ: Узбекистан
        TR: Турция, Турецкая Республика
        IL: Израиль, Государство Израиль
        CA: Канада
        MX: Мексика
        AU: Австралия, Австралийский Союз
        NZ: Новая Зеландия
        JP: Япония
        KR: Республика Корея, Южная Корея
        TW: Тайвань
        IN: Индия
        AE: ОАЭ, Объединенные Арабские Эмираты
        QA: Катар
        LI: Лихтенштейн
        MC: Монако
        BZ: Белиз
        PA: Панама
        VG: Британские Виргинские острова
        KY: Каймановы острова
        RU: Россия, Российская Федерация
        """
}
