import Foundation
import GRDB
import GRDBSQLite
import MammonCore

/// The engine's SQLite database: one writer, append-only migrations, named operations.
/// Every engine change is one transaction holding the domain rows and the events that describe them.
///
/// One writer by construction: every operation that writes is `@_spi(EngineWriter)`, so a module
/// that merely imports `Store` can only read. Only the `Engine` target imports the writer
/// (`@_spi(EngineWriter) import Store`; tests too, to seed fixtures); `WriterGateTests` fails on any
/// other source file that does.
public struct AppDatabase: Sendable {
    let writer: any DatabaseWriter

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        // A database a newer Mammon migrated is refused before anything is written: GRDB's migrator would
        // run this version's missing migrations over a schema it does not know (a silent downgrade).
        let unknown = try writer.read { db in
            try db.tableExists("grdb_migrations")
                ? Set(String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")).subtracting(Self.migrator.migrations) : []
        }
        guard unknown.isEmpty else { throw StoreError.newerDatabase(migrations: unknown.sorted()) }
        try Self.migrator.migrate(writer)
    }

    /// Opens (creating folders and file as needed) a WAL database at `path`. Refuses a folder others
    /// could write to (they could replace the database or its -wal under the engine); the database and
    /// its -wal and -shm files are owner-only (0600) whatever the umask. With `expecting`, a database
    /// whose recorded identity does not match is refused before any migration runs.
    public static func open(path: String, expecting identity: DatabaseIdentity? = nil) throws -> AppDatabase {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try checkFolder(url.deletingLastPathComponent().path)
        // SQLite would open a file it cannot write read-only and fail at the first write with a riddle
        // ("attempt to write a readonly database" while creating a GRDB probe table): say what is wrong.
        if FileManager.default.fileExists(atPath: path), access(path, W_OK) != 0 {
            throw StoreError.notWritable(path: path, reason: String(cString: strerror(errno)))
        }
        // SQLite creates the -wal and -shm files with the database file's mode: make that 0600 first.
        for file in [path, path + "-wal", path + "-shm"] {
            let fd = Glibc.open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (file == path ? O_CREAT : 0), 0o600)
            if fd >= 0 {
                defer { close(fd) }
                var info = stat()
                if fstat(fd, &info) == 0, info.st_uid == getuid(), info.st_mode & 0o7777 != 0o600 { _ = fchmod(fd, 0o600) }
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // Keep the -wal file when the last connection closes (it is checkpointed first, so the main
            // file alone still holds everything). Without it, every open finds no WAL and GRDB creates
            // one with a throwaway write whose header sync was most of opening a database (90 ms here).
            // Only speed depends on it, so a refusal is not an error.
            var persist: Int32 = 1
            _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
        }
        let pool = try DatabasePool(path: path, configuration: config)
        if let identity, let stored = try pool.read(Self.storedIdentity), !stored.matches(identity) {
            throw DatabaseIdentityError.belongsToAnother(path: path, stored: stored, running: identity)
        }
        // Migrations first, each in its transaction without a sync of its own: one lost to a power cut
        // is run again at the next open (the WAL's checksums drop a torn commit), and the first synced
        // commit makes them all durable. A new database's twenty-odd syncs were most of its first start.
        let database = try AppDatabase(pool)
        // A committed step must survive power loss, not just a crash. Set here, not in prepareDatabase:
        // GRDB's WAL set-up runs after it and leaves the writer at NORMAL, which syncs only at checkpoints.
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        return database
    }

    /// Refuses a database folder others can write to: world-writable without the sticky bit, or
    /// writable by group or others and not owned by this user.
    static func checkFolder(_ folder: String) throws {
        var info = stat()
        guard stat(folder, &info) == 0 else { throw StoreError.unsafeFolder(folder, "cannot stat it: \(String(cString: strerror(errno)))") }
        let mode = info.st_mode
        if mode & 0o002 != 0 && mode & S_ISVTX == 0 {
            throw StoreError.unsafeFolder(folder, "anyone can write to it (mode \(String(mode & 0o7777, radix: 8)))")
        }
        if mode & 0o022 != 0 && info.st_uid != getuid() {
            throw StoreError.unsafeFolder(folder, "uid \(info.st_uid) owns it and others can write to it (mode \(String(mode & 0o7777, radix: 8)))")
        }
    }

    /// Opens an existing database for reading while another process may be writing.
    public static func openReadOnly(path: String) throws -> AppDatabase {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.missingDatabase(path) }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(5)
        return AppDatabase(readOnly: try DatabasePool(path: path, configuration: config))
    }

    private init(readOnly writer: any DatabaseWriter) { self.writer = writer }

    /// A private in-memory database (tests, benchmarks).
    public static func inMemory() throws -> AppDatabase {
        try AppDatabase(DatabaseQueue())
    }

    /// Applies the mutations and appends the events in one transaction; returns the events numbered.
    @_spi(EngineWriter) @discardableResult
    public func commit(_ mutations: [StoreMutation], events: [EngineEvent]) throws -> [EngineEvent] {
        try writer.write { db in
            for m in mutations { try m.apply(db) }
            return try EventRecord.append(events, db)
        }
    }

    @_spi(EngineWriter) @discardableResult
    public func append(_ events: [EngineEvent]) throws -> [EngineEvent] { try commit([], events: events) }

    func read<T>(_ body: (Database) throws -> T) throws -> T { try writer.read(body) }
}

public enum StoreError: Error, CustomStringConvertible {
    case missingDatabase(String)
    case corruptRow(table: String, detail: String)
    case unsafeFolder(String, String)
    /// The database holds migrations this version does not know: a newer Mammon wrote it.
    case newerDatabase(migrations: [String])
    /// The database file exists but this process cannot write it (permissions, a read-only mount).
    case notWritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingDatabase(let p): "no database at \(p) (has the engine run with this --db / network?)"
        case .corruptRow(let t, let d): "unreadable row in \(t): \(d)"
        case .unsafeFolder(let f, let why): "refusing the database folder \(f): \(why); use a folder only this user can write to (chmod go-w, or another --db)"
        case .notWritable(let p, let r): "the database \(p) cannot be written (\(r)): the engine needs to write it; "
            + "check its owner and mode and that its file system is mounted read-write (`mammon status` and the reports only read)"
        case .newerDatabase(let m): "the database was written by a newer version of mammon (migrations this one does not know: "
            + m.joined(separator: ", ") + "); refusing to open it rather than downgrade it: run the newer mammon, or restore a backup"
        }
    }
}
