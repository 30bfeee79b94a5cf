import ArgumentParser
import Foundation
import CaseWatchStore
import InputFormats

/// Writing to the terminal, and turning CaseWatch's errors into SPEC's exit codes.
enum Output {
    static func line(_ text: String) {
        print(text)
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Bad input data: every problem on standard error, exit 65.
    static func inputFailure(_ error: InputError) -> ExitCode {
        for problem in error.problems { self.error("\(problem)") }
        return ExitCode(65)
    }

    /// Another run holds the lock: exit 75.
    static func busy(_ error: StoreError) -> ExitCode {
        self.error("casewatch: \(error)")
        return ExitCode(75)
    }

    /// Runs a command body, mapping CaseWatch's errors to exit codes.
    static func guarding(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as InputError {
            throw inputFailure(error)
        } catch let error as StoreError where error.kind == .busy {
            throw busy(error)
        } catch let error as ExitCode {
            throw error
        } catch {
            self.error("casewatch: \(error)")
            throw ExitCode.failure
        }
    }

    /// One JSON object on one line.
    static func jsonLine(_ value: some Encodable) throws {
        print(String(decoding: try JSONEncoder.caseWatch.encode(value), as: UTF8.self))
    }
}
