import Foundation
import CaseWatchModel
import InputFormats

extension Configuration {
    /// Reads and validates the configuration file; every problem names its line and key.
    package static func load(path: String) throws(InputError) -> Configuration {
        let data: Data
        do {
            data = try InputLimits.read(path, limit: InputLimits.yamlFile)
        } catch .tooLarge(let limit) {
            throw InputError([InputProblem(file: path, line: nil, field: nil,
                                           message: InputLimits.ReadFailure.tooLarge(limit: limit).description)])
        } catch {
            throw InputError([InputProblem(file: path, line: nil, field: nil,
                                           message: "cannot read the configuration file (use --config PATH)")])
        }
        return try decode(data, path: path)
    }

    /// Validates the bytes of the configuration file at `path` (whose folder relative paths are resolved against).
    package static func decode(_ data: Data, path: String) throws(InputError) -> Configuration {
        let url = URL(fileURLWithPath: path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError([InputProblem(file: path, line: nil, field: nil, message: "not UTF-8 text")])
        }
        let root = try SourceNode.parseYAML(text, file: path)
        let log = ProblemLog(file: path)
        var configuration = Configuration(file: path, baseDirectory: url.deletingLastPathComponent())
        if case .null = root {
            return configuration
        }
        if var fields = MapReader(root, path: "", log: log) {
            configuration.read(&fields)
            fields.finish()
        }
        try log.problems.throwIfErrors()
        configuration.warnings = log.problems.warnings
        return configuration
    }

    private mutating func read(_ fields: inout MapReader) {
        if let state = fields.string("state") {
            if let url = URLComponents(string: state), url.password != nil {
                fields.log.error("no password in the URL: name an environment variable with state_password_env",
                                 field: "state", line: fields.node("state")?.line)
            } else {
                statePath = state
            }
        }
        if let variable = fields.string("state_password_env") { statePasswordEnv = variable }
        if var section = fields.map("cluster") {
            if let node = section.string("node_id") { cluster.nodeID = node }
            if let lease = section.duration("lease", in: 2...3600) { cluster.lease = lease }
            section.finish()
        }
        if let period = fields.duration("retention", in: 86_400...(36_500 * 86_400)) { retention = period }
        if var section = fields.map("registry") { registry.read(&section); section.finish() }
        if let templates = fields.string("templates") { templatesPath = templates }
        if let authorities = fields.string("authorities") {
            authoritiesPath = authorities
            authoritiesConfigured = true
        }
        if let subscribers = fields.string("subscribers") { subscribersPath = subscribers }
        if var section = fields.map("email") { email.read(&section); section.finish() }
        if var section = fields.map("webhooks") { webhooks.read(&section); section.finish() }
        if var section = fields.map("matrix") { matrix.read(&section); section.finish() }
        if var section = fields.map("telegram") { telegram.read(&section); section.finish() }
        if var section = fields.map("delivery") { delivery.read(&section); section.finish() }
        if var section = fields.map("schedule") { schedule.read(&section); section.finish() }
        if var section = fields.map("http") { http.read(&section); section.finish() }
        if var section = fields.map("network") { network.read(&section); section.finish() }
        if var section = fields.map("operator") {
            if let address = section.string("email") {
                if address.contains(where: { $0 == "\r" || $0 == "\n" }) || !address.contains("@") {
                    section.log.error("\"\(address)\" is not an e-mail address", field: section.fieldPath("email"),
                                      line: section.node("email")?.line)
                } else {
                    operatorEmail = address
                }
            }
            section.finish()
        }
    }
}

extension Configuration.Registry {
    fileprivate mutating func read(_ fields: inout MapReader) {
        if let items = fields.list("sources") {
            sources = []
            for (index, item) in items.enumerated() {
                guard var source = MapReader(item, path: "registry.sources[\(index)]", log: fields.log) else { continue }
                let path = source.string("path")
                let url = source.string("url")
                let id = source.string("id")
                let caFile = source.string("ca_file")
                if caFile != nil, url == nil {
                    fields.log.warning("ca_file applies to a url: source; it is ignored here",
                                       field: source.fieldPath("ca_file"), line: item.line)
                }
                if let id, id.isEmpty || id.contains(where: { $0.isWhitespace }) {
                    fields.log.error("a source id is one word", field: source.fieldPath("id"), line: item.line)
                }
                if let importer = source.string("import") {
                    if let list = Self.readImport(importer, from: &source, line: item.line) {
                        var entry = Source(.list(list), id: id)
                        entry.caFile = caFile
                        sources.append(entry)
                    }
                    source.finish()
                    continue
                }
                switch (path, url) {
                case (let path?, nil): sources.append(Source(.folder(path), id: id))
                case (nil, let url?):
                    if url.hasPrefix("https://") || url.hasPrefix("http://") {
                        var entry = Source(.feed(url), id: id)
                        entry.caFile = caFile
                        sources.append(entry)
                    } else {
                        fields.log.error("\"\(url)\" is not an http(s) address", field: source.fieldPath("url"),
                                         line: item.line)
                    }
                default:
                    fields.log.error("give exactly one of path or url", field: source.path, line: item.line)
                }
                source.finish()
            }
            var names: Set<String> = []
            for source in sources where !names.insert(source.name).inserted {
                fields.log.error("two sources are named \"\(source.name)\"", field: "registry.sources", line: nil)
            }
        }
        if let mode = fields.value("initial_sync", as: InitialSync.self, noun: "an initial sync mode") {
            initialSync = mode
        }
        if let late = fields.duration("late_after", in: 0...(3650 * 86_400)) { lateAfter = late }
        if let limit = fields.int("max_removals", in: 0...1_000_000) { maxRemovals = limit }
    }
}

extension Configuration.Email {
    fileprivate mutating func read(_ fields: inout MapReader) {
        if let value = fields.value("transport", as: Transport.self, noun: "an e-mail transport") { transport = value }
        url = fields.string("url") ?? url
        if let value = fields.value("tls", as: TLS.self, noun: "a TLS mode") { tls = value }
        username = fields.string("username") ?? username
        passwordEnv = fields.string("password_env") ?? passwordEnv
        passwordFile = fields.string("password_file") ?? passwordFile
        caFile = fields.string("ca_file") ?? caFile
        from = fields.string("from") ?? from
        directory = fields.string("directory") ?? directory
        readDeliverability(&fields)
        if fields.node("password") != nil {
            fields.log.error("secrets never sit in the configuration: name an environment variable with password_env "
                             + "or a file with password_file", field: fields.fieldPath("password"), line: fields.line)
        }
        if transport == .smtp {
            validateSMTP(&fields)
        }
    }

    private func validateSMTP(_ fields: inout MapReader) {
        guard let url else {
            fields.log.error("is required with transport: smtp", field: fields.fieldPath("url"), line: fields.line)
            return
        }
        if url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            fields.log.error("holds white space or a control character (a line break would reach the request as it is)",
                             field: fields.fieldPath("url"), line: fields.node("url")?.line)
            return
        }
        if let parsed = URLComponents(string: url), parsed.user != nil || parsed.password != nil {
            // Never echo it: the address itself carries a secret.
            fields.log.error("must not carry credentials: give username and password_env instead",
                             field: fields.fieldPath("url"), line: fields.node("url")?.line)
            return
        }
        guard let parsed = URLComponents(string: url), ["smtp", "smtps"].contains(parsed.scheme ?? ""),
              let host = parsed.host, !host.isEmpty
        else {
            fields.log.error("\"\(url)\" is not an smtp:// or smtps:// address", field: fields.fieldPath("url"),
                             line: fields.node("url")?.line)
            return
        }
        if tls == .none, !LoopbackHost.contains(host) {
            fields.log.error("tls: none is only allowed towards a loopback host, not \(host)",
                             field: fields.fieldPath("tls"), line: fields.node("tls")?.line)
        }
    }
}

extension Configuration.Webhooks {
    fileprivate mutating func read(_ fields: inout MapReader) {
        if let value = fields.value("transport", as: Transport.self, noun: "a webhook transport") { transport = value }
        if let value = fields.duration("timeout", in: 1...600) { timeout = value }
        directory = fields.string("directory") ?? directory
    }
}

extension Configuration.Matrix {
    fileprivate mutating func read(_ fields: inout MapReader) {
        if let value = fields.value("transport", as: Transport.self, noun: "a Matrix transport") { transport = value }
        if let value = fields.duration("timeout", in: 1...600) { timeout = value }
        directory = fields.string("directory") ?? directory
    }
}

extension Configuration.Telegram {
    fileprivate mutating func read(_ fields: inout MapReader) {
        if let value = fields.value("transport", as: Transport.self, noun: "a Telegram transport") { transport = value }
        if let value = fields.string("api_url") {
            let components = URLComponents(string: value)
            if !["http", "https"].contains(components?.scheme ?? "") || (components?.host ?? "").isEmpty
                || components?.query != nil
            {
                fields.log.error("\"\(value)\" is not an http(s) address of a Bot API server",
                                 field: fields.fieldPath("api_url"), line: fields.node("api_url")?.line)
            } else if components?.scheme == "http", !LoopbackHost.contains(components?.host ?? "") {
                // The bot's token travels in the request's path: never in clear text over a network.
                fields.log.error("\"\(value)\" must be https:// (the bot token is part of every request), "
                                 + "or http:// only towards a loopback host", field: fields.fieldPath("api_url"),
                                 line: fields.node("api_url")?.line)
            } else {
                apiURL = value.hasSuffix("/") ? String(value.dropLast()) : value
            }
        }
        if let value = fields.duration("timeout", in: 1...600) { timeout = value }
        directory = fields.string("directory") ?? directory
    }
}

extension Configuration.Delivery {
    fileprivate mutating func read(_ fields: inout MapReader) {
        if let value = fields.int("concurrency", in: 1...256) { concurrency = value }
        if let value = fields.durations("retry", in: 0.1...(30 * 86400)) { retry = value }
        if let value = fields.duration("hold", in: 0...(7 * 86400)) { hold = value }
        if let value = fields.duration("disable_after", in: 1...(365 * 86400)) { disableAfter = value }
    }
}

extension Configuration.Schedule {
    fileprivate mutating func read(_ fields: inout MapReader) {
        if let value = fields.duration("interval", in: 1...86400) { interval = value }
        if let value = fields.durations("reminders", in: 60...(365 * 86400), allowEmpty: true) { reminders = value }
        if let value = fields.durations("deadline_reminders", in: 60...(365 * 86400), allowEmpty: true) { deadlineReminders = value }
    }
}

extension Configuration.HTTP {
    fileprivate mutating func read(_ fields: inout MapReader) {
        listen = fields.string("listen") ?? listen
        // What `serve` will bind: host:port, the port a number up to 65,535 (check says so before serve refuses).
        if let colon = listen.lastIndex(of: ":"), !listen[..<colon].isEmpty,
           let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port)
        {
        } else {
            fields.log.error("\"\(listen)\" is not host:port with a port from 0 to 65535",
                             field: fields.fieldPath("listen"), line: fields.node("listen")?.line)
        }
        baseURL = fields.string("base_url") ?? baseURL
        let local = baseURL.hasPrefix("http://")
            && URLComponents(string: baseURL)?.host.map(LoopbackHost.contains) == true
        if !baseURL.hasPrefix("https://"), !local {
            // RFC 8058: the one-click unsubscribe address in List-Unsubscribe must be HTTPS; plain http only for a
            // set-up that never leaves the machine (as SMTP's tls: none).
            fields.log.error("\"\(baseURL)\" must be an https:// address (RFC 8058 unsubscribe links are HTTPS), "
                             + "or http:// towards a loopback host",
                             field: fields.fieldPath("base_url"), line: fields.node("base_url")?.line)
        }
        tokenSecretEnv = fields.string("token_secret_env") ?? tokenSecretEnv
        consoleTokenEnv = fields.string("console_token_env") ?? consoleTokenEnv
    }
}

/// Hosts that never leave the machine: `localhost`, 127.0.0.0/8 and ::1, as addresses, not prefixes
/// (`127.mail.example.org` is a remote name).
enum LoopbackHost {
    static func contains(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: ["[", "]"])
        if bare == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { $0.dropLast().allSatisfy { $0 == 0 } && $0.last == 1 }
        }
        return false
    }
}
