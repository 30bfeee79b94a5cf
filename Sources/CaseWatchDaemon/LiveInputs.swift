import Foundation
import Logging
import CaseWatchApp
import CaseWatchModel
import CaseWatchSources
import InputFormats

/// The configuration, subscribers and templates the daemon runs with, replaced only by a reload that
/// validates cleanly: a broken edit (a template that does not parse, a subscriber without its secret)
/// is logged and the running set stays.
package actor LiveInputs {
    package private(set) var configuration: Configuration
    package private(set) var inputs: PipelineInputs
    package let configurationPath: String
    let environment: ProcessEnvironment

    package init(configurationPath: String, environment: ProcessEnvironment) async throws(InputError) {
        self.configurationPath = configurationPath
        self.environment = environment
        configuration = try Configuration.load(path: configurationPath)
        inputs = try await PipelineInputs.load(configuration: configuration, environment: environment)
        _ = try configuration.deliverySettings(environment: environment)
    }

    /// Reads everything again; on success the new set replaces the running one.
    ///
    /// - Returns: the problems that kept the running set, empty on success.
    @discardableResult
    package func reload() async -> [InputProblem] {
        do throws(InputError) {
            let configuration = try Configuration.load(path: configurationPath)
            let inputs = try await PipelineInputs.load(configuration: configuration, environment: environment)
            _ = try configuration.deliverySettings(environment: environment)
            self.configuration = configuration
            self.inputs = inputs
            return []
        } catch {
            return error.problems
        }
    }

    func snapshot() -> (Configuration, PipelineInputs) {
        (configuration, inputs)
    }
}
