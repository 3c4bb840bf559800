using System;
using System.Diagnostics;
using System.IO;
using BqBackup.IO;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BqBackup.Snapshot
{
    /// <summary>
    /// A consistent point-in-time copy of a live database, taken through SQLite (VACUUM INTO) from
    /// a read-only connection: it reads one snapshot of the database including what still sits in
    /// the -wal, never blocks bunqueue's writers (WAL readers don't), and writes a compact copy in
    /// rollback mode, so the copy never drags a -wal of its own along.
    /// </summary>
    internal static class SqliteSnapshot
    {
        public static void Take(string sourcePath, string targetPath, OperationContext ctx)
        {
            if (!File.Exists(sourcePath))
                throw new BqBackupException(ErrorIds.DatabaseNotFound, BqErrorCategory.ObjectNotFound,
                    $"The database '{sourcePath}' does not exist.", sourcePath,
                    "Check -Path: it names bunqueue's SQLite file (bunqueue's --data-path, or BUNQUEUE_DATA_PATH).");
            if (!SqliteFiles.LooksLikeSqlite(sourcePath))
                throw NotSqlite(sourcePath, null);
            // SQLite opens a zero-byte file as a new, empty database: stored, it would be a
            // "successful" backup of nothing that pushes good backups out of count-based retention.
            if (new FileInfo(sourcePath).Length == 0)
                throw Empty(sourcePath, "it is 0 bytes long");

            // Created empty and private first: SQLite then fills the file we made, with our mode.
            NativeFile.CreatePrivate(targetPath).Dispose();

            SqliteConnection source;
            try
            {
                source = SqliteFiles.OpenReadOnly(sourcePath);
            }
            catch (SqliteException e)
            {
                throw SnapshotFailed(sourcePath, e);
            }

            using (source)
            {
                long sourceBytes;
                try
                {
                    sourceBytes = Convert.ToInt64(SqliteFiles.Scalar(source, "PRAGMA page_count")) *
                                  Convert.ToInt64(SqliteFiles.Scalar(source, "PRAGMA page_size"));
                }
                catch (SqliteException e) when (e.SqliteErrorCode == SqliteFiles.SqliteNotADatabase)
                {
                    throw NotSqlite(sourcePath, e);
                }
                catch (SqliteException e)
                {
                    throw SnapshotFailed(sourcePath, e);
                }

                ctx.WriteVerbose($"Snapshot of '{sourcePath}' ({sourceBytes:N0} bytes) through VACUUM INTO a private temp file.");
                var clock = Stopwatch.StartNew();
                var lastReport = TimeSpan.Zero;
                // The bar shows from the start, however short the copy.
                ctx.ReportProgress("Snapshot", $"Copying '{Path.GetFileName(sourcePath)}' through SQLite", 0, sourceBytes);
                // Runs on this thread every few thousand VM steps: the one place to honour Ctrl-C
                // and report progress while SQLite is busy.
                delegate_progress handler = _ =>
                {
                    if (ctx.Cancellation.IsCancellationRequested) return 1;
                    if (clock.Elapsed - lastReport > TimeSpan.FromMilliseconds(250))
                    {
                        lastReport = clock.Elapsed;
                        long written = 0;
                        try { written = new FileInfo(targetPath).Length; } catch (IOException) { }
                        ctx.ReportProgress("Snapshot", $"Copying '{Path.GetFileName(sourcePath)}' through SQLite", Math.Min(written, sourceBytes), sourceBytes);
                    }
                    return 0;
                };
                raw.sqlite3_progress_handler(source.Handle, 20000, handler, null);
                try
                {
                    using (var command = source.CreateCommand())
                    {
                        command.CommandText = "VACUUM INTO $target";
                        command.Parameters.AddWithValue("$target", targetPath);
                        command.CommandTimeout = 0;
                        command.ExecuteNonQuery();
                    }
                }
                catch (SqliteException e) when (e.SqliteErrorCode == SqliteFiles.SqliteInterrupt && ctx.Cancellation.IsCancellationRequested)
                {
                    throw new OperationCanceledException(ctx.Cancellation);
                }
                catch (SqliteException e) when (e.SqliteErrorCode == SqliteFiles.SqliteNotADatabase)
                {
                    throw NotSqlite(sourcePath, e);
                }
                catch (SqliteException e)
                {
                    throw SnapshotFailed(sourcePath, e);
                }
                finally
                {
                    raw.sqlite3_progress_handler(source.Handle, 0, null, null);
                    GC.KeepAlive(handler);
                }
                ctx.CompleteProgress("Snapshot");
                ctx.WriteVerbose($"Snapshot written: {new FileInfo(targetPath).Length:N0} bytes in {clock.Elapsed.TotalSeconds:F2} s.");
            }
        }


        /// <summary>A source with nothing in it: an error, so nothing is stored as a backup.</summary>
        internal static BqBackupException Empty(string sourcePath, string why) =>
            new BqBackupException(ErrorIds.SourceEmpty, BqErrorCategory.InvalidData,
                $"The database '{sourcePath}' is empty ({why}): there is nothing to back up. Nothing was stored.", sourcePath,
                "Check -Path: it names bunqueue's SQLite file (bunqueue's --data-path, or BUNQUEUE_DATA_PATH), not a file bunqueue has not written yet.");
        private static BqBackupException NotSqlite(string path, Exception inner) =>
            new BqBackupException(ErrorIds.NotASqliteDatabase, BqErrorCategory.InvalidData,
                $"'{path}' is not a SQLite database.", path,
                "Point -Path at bunqueue's database file (the --data-path bunqueue was started with).", inner);

        private static BqBackupException SnapshotFailed(string path, SqliteException e) =>
            new BqBackupException(ErrorIds.SnapshotFailed,
                e.SqliteErrorCode == SqliteFiles.SqliteBusy ? BqErrorCategory.ResourceBusy : BqErrorCategory.ReadError,
                $"Could not take a snapshot of '{path}': {e.Message}", path,
                e.SqliteErrorCode == SqliteFiles.SqliteBusy
                    ? "The database stayed locked past the busy timeout; retry, or check for a long exclusive transaction."
                    : "Check that this user may read the database and its folder (SQLite needs the -shm file of a WAL database).", e);
    }
}
