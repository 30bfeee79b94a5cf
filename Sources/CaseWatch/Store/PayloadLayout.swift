import InternetMessage

/// How the store keeps an outbox payload whose body repeats lines shared by its family (see `SharedRun`): the
/// octets of its own, with the runs cut out, and a layout naming each run's stored lines, where the run goes in
/// the whole payload and how many octets of the lines it takes, as `id:offset:count` joined by commas.
///
/// A fan-out of one alert to 100,000 readers writes each rendered body once instead of 60,000 times.
enum PayloadLayout {
    /// A layout that does not fit its payload or names lines the store does not have.
    struct Damaged: Error, CustomStringConvertible {
        let layout: String
        var description: String { "an outbox payload's stored layout is damaged: \"\(layout)\"" }
    }

    /// `payload` without its `runs` (in order of offset, not overlapping), and the layout that puts them back;
    /// `lineID` gives the stored id of a run's lines.
    static func split(_ payload: [UInt8], runs: [SharedRun], lineID: (SharedLines) throws -> Int64) rethrows
        -> (own: [UInt8], layout: String)
    {
        var own: [UInt8] = []
        own.reserveCapacity(payload.count - runs.reduce(0) { $0 + $1.count })
        var layout: [String] = []
        var position = 0
        for run in runs {
            own.append(contentsOf: payload[position..<run.offset])
            position = run.offset + run.count
            layout.append("\(try lineID(run.lines)):\(run.offset):\(run.count)")
        }
        own.append(contentsOf: payload[position...])
        return (own, layout.joined(separator: ","))
    }

    /// The whole payload from `own` and `layout`; `lines` gives the stored lines of an id.
    static func join(own: [UInt8], layout: String, lines: (Int64) throws -> [UInt8]) throws -> [UInt8] {
        var runs: [(lines: [UInt8], offset: Int, count: Int)] = []
        var total = own.count
        for entry in layout.split(separator: ",") {
            let fields = entry.split(separator: ":")
            guard fields.count == 3, let id = Int64(fields[0]), let offset = Int(fields[1]), let count = Int(fields[2]),
                  count >= 0, offset >= (runs.last.map { $0.offset + $0.count } ?? 0)
            else { throw Damaged(layout: layout) }
            let stored = try lines(id)
            guard count <= stored.count else { throw Damaged(layout: layout) }
            runs.append((stored, offset, count))
            total += count
        }
        var payload: [UInt8] = []
        payload.reserveCapacity(total)
        var taken = 0
        for run in runs {
            let ownCount = run.offset - payload.count
            guard taken + ownCount <= own.count else { throw Damaged(layout: layout) }
            payload.append(contentsOf: own[taken..<taken + ownCount])
            taken += ownCount
            payload.append(contentsOf: run.lines[0..<run.count])
        }
        payload.append(contentsOf: own[taken...])
        return payload
    }
}
