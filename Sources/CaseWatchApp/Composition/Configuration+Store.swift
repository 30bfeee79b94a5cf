import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore

extension Configuration {
    /// The store this configuration names (the embedded SQLite file today).
    package func openStore() throws -> any StateStore {
        try SQLiteStateStore(path: resolve(statePath).path)
    }

    /// What is wrong with the existing store, read without changing it (`check`).
    package func storeProblems() -> [String] {
        SQLiteStateStore.inspect(path: resolve(statePath).path)
    }

    /// What keeps two runs on this store from working at once.
    package var runCoordinator: any RunCoordinator {
        FileRunCoordinator(statePath: resolve(statePath).path)
    }
}
