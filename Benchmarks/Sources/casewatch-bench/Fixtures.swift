import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import InputFormats
import Foundation

/// Generated but realistic inputs: cases shaped like the sample registry's (names in three languages,
/// courts, claimants, case numbers, histories with notes, sources, tags), subscribers like the sample
/// ones, and the event a ruling makes. Deterministic: case `n` is always the same case.
enum Fixtures {
    static let countries = ["RU", "RU", "RU", "BY", "AZ", "KG", "KZ", "TJ", "GE", "TR"]
    static let courts = [
        "Moscow City Court", "Supreme Court of the Russian Federation", "Tverskoy District Court of Moscow",
        "First Appellate Court of General Jurisdiction", "Second Cassation Court of General Jurisdiction",
        "Saint Petersburg City Court", "Minsk City Court", "Baku Grave Crimes Court",
    ]
    static let claimants = [
        "Ministry of Justice, Main Directorate for Moscow", "Prosecutor General's Office",
        "Ministry of Justice of the Russian Federation", "Roskomnadzor", "Investigative Committee",
        "Ministry of Internal Affairs", "Ministry of Justice of the Republic of Belarus",
    ]
    static let organisations: [(en: String, ru: String, fr: String)] = [
        ("Helsinki Group", "Хельсинкская группа", "Groupe Helsinki"),
        ("Human Rights Centre", "Правозащитный центр", "Centre des droits humains"),
        ("Information and Analysis Centre", "Информационно-аналитический центр", "Centre d'information et d'analyse"),
        ("Foundation for Civic Freedoms", "Фонд гражданских свобод", "Fondation pour les libertés civiques"),
        ("Committee Against Torture", "Комитет против пыток", "Comité contre la torture"),
        ("Legal Aid Network", "Сеть правовой помощи", "Réseau d'aide juridique"),
    ]
    static let cities: [(en: String, ru: String, fr: String)] = [
        ("Moscow", "Московская", "de Moscou"), ("Perm", "Пермская", "de Perm"), ("Kazan", "Казанская", "de Kazan"),
        ("Ryazan", "Рязанская", "de Riazan"), ("Novosibirsk", "Новосибирская", "de Novossibirsk"),
        ("Voronezh", "Воронежская", "de Voronej"), ("Irkutsk", "Иркутская", "d'Irkoutsk"),
    ]
    static let people: [(en: String, ru: String, fr: String)] = [
        ("Oleg Orlov", "Олег Орлов", "Oleg Orlov"), ("Svetlana Gannushkina", "Светлана Ганнушкина", "Svetlana Gannouchkina"),
        ("Lev Ponomarev", "Лев Пономарёв", "Lev Ponomarev"), ("Ales Bialiatski", "Алесь Беляцкий", "Ales Bialiatski"),
        ("Grigory Melkonyants", "Григорий Мельконьянц", "Grigori Melkoniants"),
    ]
    static let notes = [
        "The claimant files its suit, citing violations of the law on non-commercial organisations.",
        "The court sets the first hearing and refuses to hear the defence's witnesses.",
        "The court grants the claim and orders the organisation's liquidation.",
        "The defence files an appeal, arguing that the violations were remedied.",
        "The appellate court upholds the ruling; it enters into force.",
        "The ministry adds the organisation to the register of foreign agents.",
        "The prosecutor's office designates the organisation undesirable.",
    ]

    /// One step of a generated path: its status, outcome and what it brought about.
    typealias PathStep = (status: CaseStatus, outcome: Outcome?, effects: [CaseStatus])

    /// Valid paths through each type's procedure, oldest first, with the outcome where a ruling is made.
    static let paths: [CaseType: [[PathStep]]] = [
        .liquidation: [
            [(.claimFiled, nil, []), (.hearingScheduled, nil, []), (.rulingIssued, .granted, [])],
            [(.claimFiled, nil, []), (.rulingIssued, .granted, []), (.appealFiled, nil, []),
             (.appealDecided, .upheld, [.inForce])],
            [(.inspection, nil, []), (.warning, nil, []), (.claimFiled, nil, []), (.hearingScheduled, nil, [])],
            [(.inspection, nil, []), (.fined, nil, []), (.closed, nil, [])],
        ],
        .foreignAgent: [[(.designated, nil, [])], [(.designated, nil, []), (.challengeFiled, nil, [])]],
        .undesirable: [[(.decision, nil, []), (.listed, nil, [])], [(.decision, nil, [])]],
        .extremist: [[(.designated, nil, [])]],
        .criminal: [
            [(.caseOpened, nil, []), (.detained, nil, []), (.charged, nil, [])],
            [(.caseOpened, nil, []), (.verdict, .convicted, []), (.appealFiled, nil, [])],
        ],
        .administrative: [[(.protocol, nil, []), (.rulingIssued, .granted, []), (.appealFiled, nil, [])]],
        .international: [[(.applicationLodged, nil, []), (.communicated, nil, []), (.judgment, .granted, [])]],
    ]

    /// Case number `n`, as an operator would keep it: steps with their own court and authority.
    static func legalCase(_ n: Int) -> LegalCase {
        let type = CaseType.allCases[n % CaseType.allCases.count]
        let choices = paths[type]!
        let path = choices[(n / CaseType.allCases.count) % choices.count]
        var history: [CaseStep] = []
        var year = 2019 + n % 5, month = 1 + n % 9, day = 1 + n % 27
        for (index, step) in path.enumerated() {
            let rules = [.rulingIssued, .appealDecided, .verdict, .judgment].contains(step.status)
            history.append(CaseStep(
                date: CalendarDate(year: year, month: month, day: day)!, status: step.status, outcome: step.outcome,
                court: rules ? LocalizedText(courts[(n + index) % courts.count]) : nil,
                authority: index == 0 ? LocalizedText(claimants[n % claimants.count]) : nil,
                note: index % 2 == 0 ? LocalizedText(notes[(n + index) % notes.count]) : nil, effects: step.effects))
            month += 1 + index % 2
            if month > 12 { month -= 12; year += 1 }
            day = 1 + (day + 7) % 27
        }
        let (status, outcome) = LegalCase.derivedStatus(of: history)!
        let isPerson = n % 4 == 3
        let subject: Subject
        if isPerson {
            let person = people[n % people.count]
            subject = Subject(kind: .person, name: ["en": person.en, "ru": person.ru, "fr": person.fr])
        } else {
            let organisation = organisations[n % organisations.count]
            let city = cities[(n / 7) % cities.count]
            subject = Subject(kind: .organisation, name: [
                "en": "\(city.en) \(organisation.en) No. \(n)",
                "ru": "\(city.ru) \(organisation.ru) № \(n)",
                "fr": "\(organisation.fr) \(city.fr) nº \(n)",
            ])
        }
        let hearing: Hearing? = status == .appealFiled || path.last?.status == .hearingScheduled
            ? Hearing(date: CalendarDate(year: 2026, month: 1 + n % 12, day: 1 + n % 28)!, time: "10:00",
                      court: LocalizedText(courts[(n + 1) % courts.count]))
            : nil
        let slug = subject.name["en"]!.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return LegalCase(
            id: "\(slug)-\(type.rawValue.replacingOccurrences(of: "_", with: "-"))-\(n)",
            subject: subject, country: countries[n % countries.count], type: type, status: status, outcome: outcome,
            claimant: type == .criminal ? nil : LocalizedText(claimants[n % claimants.count]),
            court: LocalizedText(courts[n % courts.count]),
            caseNumber: n % 3 == 0 ? nil : "3а-\(1000 + n % 9000)/\(year)", nextHearing: hearing, history: history,
            sources: (0..<(1 + n % 3)).map { "https://www.example.org/news/\(n)/\($0)" },
            tags: n % 2 == 0 ? ["ngo-law", "\(type.rawValue.replacingOccurrences(of: "_", with: "-"))"] : ["ngo-law"])
    }

    /// Writes `count` cases as one JSON array (the registry's JSON format), streaming, so the generator
    /// itself holds next to nothing in memory. Returns the file's size in bytes.
    @discardableResult
    static func writeRegistry(count: Int, to file: URL) throws -> Int {
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var buffer: [UInt8] = [UInt8(ascii: "[")]
        var size = 0
        for n in 0..<count {
            if n > 0 { buffer.append(contentsOf: Array(",\n".utf8)) }
            buffer.append(contentsOf: legalCase(n).canonicalJSON)
            if buffer.count > 1 << 20 {
                try handle.write(contentsOf: buffer)
                size += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        buffer.append(contentsOf: Array("]\n".utf8))
        try handle.write(contentsOf: buffer)
        return size + buffer.count
    }

    /// The event a ruling makes: the Moscow Helsinki Group's case, as in the sample registry, moving from
    /// a scheduled hearing to the court's ruling.
    static func rulingEvent(now: Date) -> CaseEvent {
        let legalCase = LegalCase(
            id: "moscow-helsinki-group-liquidation",
            subject: Subject(kind: .organisation, name: [
                "en": "Moscow Helsinki Group", "ru": "Московская Хельсинкская группа", "fr": "Groupe Helsinki de Moscou",
            ]),
            country: "RU", type: .liquidation, status: .rulingIssued, outcome: .granted,
            claimant: "Ministry of Justice, Main Directorate for Moscow", court: "Moscow City Court",
            caseNumber: "3а-0035/2023",
            history: [
                HistoryEntry(date: CalendarDate("2022-12-14")!, status: .claimFiled,
                             note: "The Ministry of Justice's Moscow directorate files a liquidation suit with Moscow City Court."),
                HistoryEntry(date: CalendarDate("2023-01-10")!, status: .hearingScheduled,
                             note: "Moscow City Court sets the hearing for 25 January."),
                HistoryEntry(date: CalendarDate("2023-01-25")!, status: .rulingIssued, outcome: .granted,
                             note: "Moscow City Court orders the liquidation of the group."),
            ],
            sources: [
                "https://www.coe.int/en/web/commissioner/-/human-rights-defenders-in-russia-need-support",
                "https://www.rightsinrussia.org/moscow-helsinki-group-9/",
                "https://interfax.com/newsroom/top-stories/90144/",
            ],
            tags: ["helsinki-group", "territorial-scope"])
        return CaseEvent(
            type: .statusChanged, snapshot: legalCase,
            change: CaseChange(from: .hearingScheduled, to: .rulingIssued, outcome: .granted),
            occurredOn: legalCase.statusDate, detectedAt: now)
    }

    static let firstNames = [
        ("Anna Smirnova", Language.ru), ("Claire Dubois", .fr), ("James Whitfield", .en), ("Dmitri Volkov", .ru),
        ("Élodie Marchand", .fr), ("Sarah O'Neill", .en),
    ]

    /// Subscriber `n`: e-mail, webhook or both; English, Russian or French; filters that all let the
    /// ruling event through, as the followers of a major case would have.
    static func subscriber(_ n: Int, channels: Set<ChannelID>, secretEnv: String, webhookURL: String) -> Subscriber {
        let language = Language.allCases[n % 3]
        let person = firstNames[n % firstNames.count].0
        let filter: SubscriberFilter = switch n % 4 {
        case 0: SubscriberFilter()
        case 1: SubscriberFilter(countries: ["RU"])
        case 2: SubscriberFilter(countries: ["RU", "BY"], types: [.liquidation, .undesirable],
                                 events: [.statusChanged, .hearingScheduled])
        default: SubscriberFilter(statuses: [.rulingIssued, .appealDecided, .inForce], tags: ["helsinki-group"])
        }
        return Subscriber(
            id: "subscriber-\(n)", name: "\(person) (\(n))", language: language,
            email: channels.contains(.email) ? "subscriber-\(n)@example.org" : nil,
            webhook: channels.contains(.webhook)
                ? WebhookEndpoint(url: "\(webhookURL)?subscriber=\(n)", secretEnv: secretEnv) : nil,
            filter: filter, delivery: .immediate, timezone: "Europe/Paris", file: "subscribers/subscriber-\(n).yaml")
    }

    /// The repository's templates, loaded as a run loads them; any problem stops the benchmark.
    static func templates(_ path: String) throws -> TemplateSet {
        let (templates, problems) = TemplateSet.load(directory: URL(fileURLWithPath: path), displayPath: path)
        let errors = problems.filter { $0.severity == .error }
        guard errors.isEmpty else {
            throw BenchError.failed("templates: " + errors.map(\.description).joined(separator: "; "))
        }
        return templates
    }

    /// A `whsec_` secret made for this run, kept in the process environment under `name` (unless set).
    static func ensureWebhookSecret(_ name: String) -> ProcessEnvironment {
        if ProcessInfo.processInfo.environment[name].map(WebhookSecret.all(in:))?.isEmpty ?? true {
            var bytes = [UInt8](repeating: 0, count: 32)
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = generator.next() }
            setenv(name, "whsec_" + Data(bytes).base64EncodedString(), 1)
        }
        return .current
    }
}
