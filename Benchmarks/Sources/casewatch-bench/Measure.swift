import Foundation

/// What the benchmark driver measures with: a monotonic clock, the peak resident set size the kernel
/// keeps for this process, and one JSON object per result on standard output.
enum Measure {
    /// Seconds taken by `work`, on the monotonic clock.
    static func time<T>(_ work: () async throws -> T) async rethrows -> (T, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try await work()
        return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Peak resident set size so far (`VmHWM` of /proc/self/status), in MB.
    static func peakRSS() -> Double { status("VmHWM") }

    /// Resident set size now (`VmRSS`), in MB.
    static func currentRSS() -> Double { status("VmRSS") }

    /// Resets the peak to the current RSS (Linux ≥ 4.0: write "5" to /proc/self/clear_refs), so that what
    /// the setup of a benchmark used is not counted in its peak. Returns false when the kernel refused.
    @discardableResult
    static func resetPeakRSS() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("5".utf8))
            return true
        } catch {
            return false
        }
    }

    /// CPU time this process has used so far, user and system, on all its threads: what a delivery costs
    /// the machine, which the sink and load generator sharing its cores do not blur the way they blur rates.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The size of the file at `path` in MB (0 when there is none).
    static func fileMB(_ path: String) -> Double {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        return Double(size ?? 0) / 1_048_576
    }

    private static func status(_ key: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let digits = line.split(separator: " ").compactMap { Double($0) }
            if let kilobytes = digits.first { return (kilobytes / 1024 * 10).rounded() / 10 }
        }
        return -1
    }
}

/// A result line: keys in the order given, numbers rounded sensibly, strings escaped.
struct ResultLine {
    private var fields: [(String, String)] = []

    init(_ benchmark: String) {
        add("benchmark", benchmark)
    }

    mutating func add(_ key: String, _ value: String) {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case _ where scalar.value < 0x20: escaped += String(format: "\\u%04x", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        fields.append((key, "\"\(escaped)\""))
    }

    mutating func add(_ key: String, _ value: Int) {
        fields.append((key, String(value)))
    }

    mutating func add(_ key: String, _ value: Double, digits: Int = 4) {
        fields.append((key, value.isFinite ? String(format: "%.\(digits)f", value) : "null"))
    }

    mutating func add(_ key: String, _ value: Bool) {
        fields.append((key, value ? "true" : "false"))
    }

    var json: String {
        "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    func print() {
        FileHandle.standardOutput.write(Data((json + "\n").utf8))
    }
}

/// `--name value` options of one subcommand.
struct Options {
    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>) throws {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            guard argument.hasPrefix("--") else { throw BenchError.usage("unexpected argument \(argument)") }
            guard let value = iterator.next() else { throw BenchError.usage("\(argument) needs a value") }
            values[String(argument.dropFirst(2))] = value
        }
    }

    func string(_ name: String, default fallback: String? = nil) throws -> String {
        guard let value = values[name] ?? fallback else { throw BenchError.usage("--\(name) is required") }
        return value
    }

    func int(_ name: String, default fallback: Int? = nil) throws -> Int {
        guard let text = values[name] else {
            guard let fallback else { throw BenchError.usage("--\(name) is required") }
            return fallback
        }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), value > 0 else {
            throw BenchError.usage("--\(name) must be a positive whole number")
        }
        return value
    }

    func optional(_ name: String) -> String? { values[name] }
}

enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    case failed(String)

    var description: String {
        switch self {
        case .usage(let text): "usage: \(text)"
        case .failed(let text): text
        }
    }
}
