import Foundation

// casewatch-bench: the benchmark driver behind Benchmarks/run.sh. Each subcommand prints one JSON object
// per result on standard output; anything going wrong is an exit 1 with the reason on standard error.
let usage = """
    usage: casewatch-bench deliver-webhooks --count N --url URL [--concurrency 8] [--templates DIR] [--sample-out FILE]
           casewatch-bench deliver-matrix --count N --homeserver URL [--concurrency 8] [--templates DIR] [--sample-out FILE]
           casewatch-bench enqueue-webhooks --config casewatch.yml --count N --url URL [--templates DIR]
           casewatch-bench deliver-emails --count N --smtp smtp://HOST:PORT [--concurrency 8] [--templates DIR] [--sample-out FILE] [--dkim rsa|rsa+ed25519]
           casewatch-bench dkim-sign [--count 2000] [--templates DIR]
           casewatch-bench registry --cases N
           casewatch-bench make-registry --cases N --out DIR
           casewatch-bench fanout --subscribers N [--templates DIR]
    """

let arguments = CommandLine.arguments.dropFirst()
do {
    guard let command = arguments.first else { throw BenchError.usage("no subcommand") }
    let options = try Options(arguments.dropFirst())
    switch command {
    case "deliver-webhooks": try await DeliverBenchmark.webhooks(options)
    case "deliver-matrix": try await DeliverBenchmark.matrix(options)
    case "enqueue-webhooks": try await DeliverBenchmark.enqueueWebhooks(options)
    case "deliver-emails": try await DeliverBenchmark.emails(options)
    case "dkim-sign": try await DKIMBenchmark.run(options)
    case "registry": try await RegistryBenchmark.run(options)
    case "make-registry": try RegistryBenchmark.make(options)
    case "fanout": try await FanoutBenchmark.run(options)
    default: throw BenchError.usage("unknown subcommand \(command)")
    }
} catch let error as BenchError {
    FileHandle.standardError.write(Data("casewatch-bench: \(error)\n".utf8))
    if case .usage = error { FileHandle.standardError.write(Data((usage + "\n").utf8)) }
    exit(error.isUsage ? 64 : 1)
} catch {
    FileHandle.standardError.write(Data("casewatch-bench: \(error)\n".utf8))
    exit(1)
}

extension BenchError {
    var isUsage: Bool { if case .usage = self { true } else { false } }
}
