import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore

extension Configuration {
    /// The store this configuration names (the embedded SQLite file today).
    package func openStore() throws -> any StateStore {
        try SQLiteStateStore(path: resolve(statePath).path)
    }

    /// What keeps two runs on this store from working at once.
    package var runCoordinator: any RunCoordinator {
        FileRunCoordinator(statePath: resolve(statePath).path)
    }
}
