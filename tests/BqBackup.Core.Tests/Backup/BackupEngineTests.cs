using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BqBackup.Backup;
using BqBackup.Catalog;
using BqBackup.Sample;
using Xunit;

namespace BqBackup.Tests.Backup
{
    public class BackupEngineTests
    {
        [Fact]
        public void A_backup_gunzips_to_the_exact_bytes_its_sidecar_describes()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var body = Path.Combine(w.BackupsPath, info.Name);
                var raw = Db.Gunzip(body);
                Assert.Equal(info.DatabaseSize, raw.Length);
                Assert.Equal(info.Sha256, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(raw)).ToLowerInvariant());
                Assert.Equal(new FileInfo(body).Length, info.Size);

                var meta = BackupMetadata.Parse(File.ReadAllBytes(body + ".meta.json"), out var problem);
                Assert.Null(problem);
                Assert.Equal(info.Sha256, meta.Checksum);
                Assert.Equal(info.Size, meta.CompressedSize);
                Assert.True(meta.Compressed);
                Assert.Equal(37, meta.SchemaVersion);
                Assert.Equal(w.Database, meta.SourcePath);
            }
        }

        [Fact]
        public void The_backup_reports_the_schema_version_and_counts_of_the_database()
        {
            using (var w = new Workspace(jobs: 400))
            {
                var info = w.Backup();
                Assert.Equal(SampleDatabase.SchemaVersion, info.SchemaVersion);
                Assert.Equal(w.Expected.Waiting, info.Counts.Waiting);
                Assert.Equal(w.Expected.Delayed, info.Counts.Delayed);
                Assert.Equal(w.Expected.Completed, info.Counts.Completed);
                Assert.Equal(w.Expected.Dlq, info.Counts.Dlq);
                Assert.Equal(w.Expected.CronJobs, info.Counts.CronJobs);
                Assert.Equal(400, info.Counts.Jobs);
                Assert.Empty(w.Warnings);
            }
        }

        [Fact]
        public void Two_backups_in_the_same_second_get_two_names()
        {
            using (var w = new Workspace())
            {
                var second = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
                var a = w.Backup(() => second);
                var b = w.Backup(() => second.AddMilliseconds(400));
                Assert.Equal("backup-2026-01-02T03-04-05.db.gz", a.Name);
                Assert.Equal("backup-2026-01-02T03-04-05-2.db.gz", b.Name);
                Assert.Equal(2, new BackupCatalog(w.Store, w.BackupsPath).List(w.Context).Count);
            }
        }

        [Fact]
        public void The_scratch_folder_is_private_during_the_backup_and_gone_after()
        {
            using (var w = new Workspace())
            {
                var seen = false;
                var faulty = new FaultyStore(w.Store)
                {
                    OnWrite = () =>
                    {
                        var dir = Directory.GetDirectories(w.TempRoot).Single();
                        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
                        var snapshot = Directory.GetFiles(dir).Single();
                        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(snapshot));
                        seen = true;
                    },
                };
                BackupEngine.Run(w.Database, faulty, w.BackupsPath, w.Options(), w.Context);
                Assert.True(seen);
                Assert.Empty(Directory.GetFileSystemEntries(w.TempRoot));
            }
        }

        [Fact]
        public void Data_that_sits_only_in_the_wal_comes_out_whole()
        {
            using (var w = new Workspace())
            using (var writer = Db.Open(w.Database))
            {
                Db.Exec(writer, "PRAGMA wal_autocheckpoint = 0");
                Db.Exec(writer, "CREATE TABLE wal_only(x)");
                Db.Exec(writer, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO wal_only SELECT randomblob(100) FROM n");
                Assert.True(new FileInfo(w.Database + "-wal").Length > 500_000);

                // The trap: the main file alone does not have the table.
                var copy = w.File("plain-copy.db");
                File.Copy(w.Database, copy);
                using (var plain = Db.Open(copy, readOnly: true))
                    Assert.Equal(0, Db.Scalar(plain, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'wal_only'"));

                var info = w.Backup();
                var restored = w.File("restored.db");
                File.WriteAllBytes(restored, Db.Gunzip(Path.Combine(w.BackupsPath, info.Name)));
                Assert.Equal(5000, Db.Scalar(restored, "SELECT COUNT(*) FROM wal_only"));
            }
        }

        [Fact]
        public void A_backup_taken_while_a_writer_keeps_writing_is_consistent()
        {
            using (var w = new Workspace())
            {
                using (var c = Db.Open(w.Database)) Db.Exec(c, "CREATE TABLE ticks(n INTEGER PRIMARY KEY, pad BLOB)");
                var stop = new CancellationTokenSource();
                long committed = 0;
                var writer = Task.Run(() =>
                {
                    using (var c = Db.Open(w.Database))
                    {
                        Db.Exec(c, "PRAGMA busy_timeout = 5000");
                        while (!stop.IsCancellationRequested)
                        {
                            Db.Exec(c, "INSERT INTO ticks(pad) VALUES (randomblob(512))");
                            Interlocked.Increment(ref committed);
                        }
                    }
                });
                SpinWait.SpinUntil(() => Interlocked.Read(ref committed) > 200, 10_000);
                var before = Interlocked.Read(ref committed);
                var info = w.Backup();
                var after = Interlocked.Read(ref committed);
                stop.Cancel();
                writer.Wait();

                var restored = w.File("restored.db");
                File.WriteAllBytes(restored, Db.Gunzip(Path.Combine(w.BackupsPath, info.Name)));
                using (var r = Db.Open(restored, readOnly: true))
                {
                    Assert.Equal("ok", BqBackup.Snapshot.DatabaseInspector.IntegrityCheck(r));
                    var rows = Db.Scalar(r, "SELECT COUNT(*) FROM ticks");
                    Assert.InRange(rows, before, after);
                    // A point-in-time copy has no gaps: rows 1..N, every one of them.
                    Assert.Equal(rows, Db.Scalar(r, "SELECT COALESCE(MAX(n), 0) FROM ticks"));
                }
            }
        }

        [Fact]
        public void A_failed_commit_leaves_nothing_that_lists_and_no_sidecar()
        {
            using (var w = new Workspace())
            {
                var faulty = new FaultyStore(w.Store) { FailCommit = true };
                var e = Assert.Throws<BqBackupException>(() => BackupEngine.Run(w.Database, faulty, w.BackupsPath, w.Options(), w.Context));
                Assert.Equal(ErrorIds.StoreError, e.ErrorId);
                Assert.Empty(new BackupCatalog(w.Store, w.BackupsPath).List(w.Context));
                Assert.Empty(Directory.GetFileSystemEntries(w.BackupsPath));
                Assert.Empty(Directory.GetFileSystemEntries(w.TempRoot));
            }
        }

        [Fact]
        public void Cancelling_mid_upload_leaves_nothing_behind()
        {
            using (var w = new Workspace(jobs: 3000))
            {
                var cts = new CancellationTokenSource();
                var faulty = new FaultyStore(w.Store) { OnWrite = cts.Cancel };
                var ctx = new OperationContext { Cancellation = cts.Token };
                Assert.ThrowsAny<OperationCanceledException>(() => BackupEngine.Run(w.Database, faulty, w.BackupsPath, w.Options(), ctx));
                Assert.Empty(Directory.GetFileSystemEntries(w.BackupsPath));
                Assert.Empty(Directory.GetFileSystemEntries(w.TempRoot));
            }
        }

        [Fact]
        public void Cancelling_during_the_snapshot_stops_it()
        {
            using (var w = new Workspace())
            {
                var cts = new CancellationTokenSource();
                cts.Cancel();
                var ctx = new OperationContext { Cancellation = cts.Token };
                Assert.ThrowsAny<OperationCanceledException>(() => BackupEngine.Run(w.Database, w.Store, w.BackupsPath, w.Options(), ctx));
                Assert.Empty(Directory.GetFileSystemEntries(w.BackupsPath));
                Assert.Empty(Directory.GetFileSystemEntries(w.TempRoot));
            }
        }

        [Fact]
        public void A_missing_database_is_DatabaseNotFound()
        {
            using (var w = new Workspace())
            {
                var missing = w.File("nope.db");
                var e = Assert.Throws<BqBackupException>(() => BackupEngine.Run(missing, w.Store, w.BackupsPath, w.Options(), w.Context));
                Assert.Equal(ErrorIds.DatabaseNotFound, e.ErrorId);
                Assert.Equal(missing, e.TargetObject);
                Assert.Empty(Directory.GetFileSystemEntries(w.TempRoot));
            }
        }

        [Fact]
        public void A_file_that_is_not_SQLite_is_NotASqliteDatabase()
        {
            using (var w = new Workspace())
            {
                var text = w.File("notes.db");
                File.WriteAllText(text, "this is not a database, just some text that is long enough");
                var e = Assert.Throws<BqBackupException>(() => BackupEngine.Run(text, w.Store, w.BackupsPath, w.Options(), w.Context));
                Assert.Equal(ErrorIds.NotASqliteDatabase, e.ErrorId);
                Assert.Empty(Directory.GetFileSystemEntries(w.BackupsPath));
            }
        }

        [Fact]
        public void A_database_that_is_not_bunqueues_is_backed_up_with_a_warning()
        {
            using (var w = new Workspace())
            {
                var other = w.File("other.db");
                using (var c = Db.Open(other)) Db.Exec(c, "CREATE TABLE t(x); INSERT INTO t VALUES (1)");
                var info = BackupEngine.Run(other, w.Store, w.BackupsPath, w.Options(), w.Context);
                Assert.Null(info.SchemaVersion);
                var warning = Assert.Single(w.Warnings);
                Assert.Contains("does not look like a bunqueue database", warning);
                Assert.Contains("migrations", warning);
            }
        }

        [Fact]
        public void A_corrupt_source_is_refused_and_nothing_is_stored()
        {
            using (var w = new Workspace(jobs: 2000))
            {
                // Damage a page in the middle of the file, past the schema.
                var bytes = File.ReadAllBytes(w.Database);
                for (var i = bytes.Length / 2; i < bytes.Length / 2 + 4096 * 3; i++) bytes[i] = 0x5a;
                File.WriteAllBytes(w.Database, bytes);
                var e = Assert.Throws<BqBackupException>(() => w.Backup());
                Assert.Contains(e.ErrorId, new[] { ErrorIds.SourceIntegrityCheckFailed, ErrorIds.SnapshotFailed });
                Assert.Empty(Directory.GetFileSystemEntries(w.BackupsPath));
                Assert.Empty(Directory.GetFileSystemEntries(w.TempRoot));
            }
        }
    }
}
