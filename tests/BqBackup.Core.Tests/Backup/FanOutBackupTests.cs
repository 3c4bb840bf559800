using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BqBackup.Backup;
using BqBackup.Catalog;
using BqBackup.Health;
using BqBackup.Storage;
using BqBackup.Tests.Fixtures;
using Xunit;

namespace BqBackup.Tests.Backup
{
    public class FanOutBackupTests
    {
        private static readonly DateTime Second = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc);

        private sealed class Folders : IDisposable
        {
            public Folders(Workspace w, int count)
            {
                Paths = Enumerable.Range(1, count).Select(i => w.Dir("copy" + i)).ToList();
                Stores = Paths.Select(p => (IBackupStore)new FolderStore(p, create: false)).ToList();
            }
            public List<string> Paths { get; }
            public List<IBackupStore> Stores { get; }
            public List<BackupTarget> Targets(params IBackupStore[] replace) =>
                Stores.Select((s, i) => new BackupTarget(i < replace.Length && replace[i] != null ? replace[i] : s, Paths[i])).ToList();
            public void Dispose() { foreach (var s in Stores) s.Dispose(); }
        }

        private static List<string> Listed(string folder) => Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n != StatusRecord.Key).OrderBy(n => n).ToList();

        [Fact]
        public void Three_destinations_get_the_same_bytes_under_the_same_name_and_a_status_record_each()
        {
            using (var w = new Workspace())
            using (var f = new Folders(w, 3))
            {
                var outcomes = BackupEngine.RunAndRecord(w.Database, f.Targets(), w.Options(() => Second), w.Context);
                Assert.All(outcomes, o => Assert.Null(o.Error));
                Assert.Equal(f.Paths, outcomes.Select(o => o.Destination));
                var name = outcomes[0].Backup.Name;
                Assert.All(outcomes, o => Assert.Equal(name, o.Backup.Name));
                var body = File.ReadAllBytes(Path.Combine(f.Paths[0], name));
                var sidecar = File.ReadAllBytes(Path.Combine(f.Paths[0], name + ".meta.json"));
                foreach (var path in f.Paths)
                {
                    Assert.Equal(body, File.ReadAllBytes(Path.Combine(path, name)));
                    Assert.Equal(sidecar, File.ReadAllBytes(Path.Combine(path, name + ".meta.json")));
                    var record = StatusRecord.Read(new FolderStore(path, create: false), w.Context);
                    Assert.Equal(name, record.LastSuccessName);
                    Assert.False(record.LastAttemptFailed);
                }
                Assert.Equal(outcomes[0].Backup.Sha256, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Db.Gunzip(Path.Combine(f.Paths[2], name)))).ToLowerInvariant());
            }
        }

        [Fact]
        public void An_encrypted_fan_out_encrypts_once_every_copy_is_the_same_ciphertext_and_restores()
        {
            using (var w = new Workspace())
            using (var f = new Folders(w, 2))
            using (var identity = BqBackup.Codec.Age.AgeX25519Identity.Generate())
            using (var encryption = BqBackup.Encryption.BackupEncryption.Resolve(new[] { identity.Recipient.ToString() }, null, null, null))
            {
                var options = w.Options(() => Second);
                options.Encryption = encryption;
                var outcomes = BackupEngine.Run(w.Database, f.Targets(), options, w.Context);
                var name = outcomes[0].Backup.Name;
                Assert.EndsWith(".db.gz.age", name);
                Assert.Equal(name, outcomes[1].Backup.Name);
                // One age pass: a second pass would draw a new file key, and the copies would differ.
                Assert.Equal(File.ReadAllBytes(Path.Combine(f.Paths[0], name)), File.ReadAllBytes(Path.Combine(f.Paths[1], name)));

                var keyFile = w.File("key.txt");
                File.WriteAllText(keyFile, identity.ExportSecretKey() + "\n");
                var target = Path.Combine(w.Dir("restored"), "queue.db");
                var listed = new BackupCatalog(f.Stores[1], f.Paths[1]).Get(name, w.Context);
                var result = BqBackup.Restore.RestoreEngine.Run(listed, f.Stores[1], target,
                    new BqBackup.Restore.RestoreOptions { Decryption = BqBackup.Encryption.BackupDecryption.Resolve(new[] { keyFile }, null, null) }, w.Context);
                Assert.True(result.ChecksumVerified);
            }
        }

        [Fact]
        public void A_destination_that_fails_mid_stream_gets_an_error_and_leaves_nothing_while_the_others_commit()
        {
            using (var w = new Workspace(jobs: 3000))
            using (var f = new Folders(w, 3))
            {
                var writes = 0;
                var failing = new FaultyStore(f.Stores[1]) { OnWrite = () => { if (++writes == 1) throw new IOException("injected: the disk went away"); } };
                var outcomes = BackupEngine.RunAndRecord(w.Database, f.Targets(null, failing), w.Options(() => Second), w.Context);

                Assert.NotNull(outcomes[0].Backup);
                Assert.NotNull(outcomes[2].Backup);
                Assert.Null(outcomes[1].Backup);
                Assert.Equal(ErrorIds.StoreError, outcomes[1].Error.ErrorId);
                Assert.Equal(f.Paths[1], outcomes[1].Error.TargetObject);
                Assert.Contains("injected", outcomes[1].Error.Message);
                Assert.Equal(1, writes); // dropped at its first write; the others went on

                Assert.Empty(Listed(f.Paths[1]));
                Assert.Empty(new BackupCatalog(f.Stores[1], f.Paths[1]).List(w.Context));
                var record = StatusRecord.Read(f.Stores[1], w.Context);
                Assert.True(record.LastAttemptFailed);
                Assert.Equal(ErrorIds.StoreError, record.LastFailureErrorId);

                var name = outcomes[0].Backup.Name;
                Assert.Equal(File.ReadAllBytes(Path.Combine(f.Paths[0], name)), File.ReadAllBytes(Path.Combine(f.Paths[2], name)));
                Assert.Equal(outcomes[0].Backup.Sha256, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Db.Gunzip(Path.Combine(f.Paths[2], name)))).ToLowerInvariant());
            }
        }

        [Fact]
        public void A_destination_whose_commit_fails_is_not_rolled_into_the_others()
        {
            using (var w = new Workspace())
            using (var f = new Folders(w, 2))
            {
                var failing = new FaultyStore(f.Stores[0]) { FailCommit = true };
                var outcomes = BackupEngine.Run(w.Database, f.Targets(failing), w.Options(() => Second), w.Context);
                Assert.Equal(ErrorIds.StoreError, outcomes[0].Error.ErrorId);
                Assert.Empty(Listed(f.Paths[0])); // its claim was removed, its body never committed
                Assert.Single(new BackupCatalog(f.Stores[1], f.Paths[1]).List(w.Context));
            }
        }

        [Fact]
        public void A_name_taken_in_one_destination_only_moves_every_destination_to_the_next_name()
        {
            using (var w = new Workspace())
            using (var f = new Folders(w, 3))
            {
                var earlier = BackupEngine.Run(w.Database, f.Stores[1], f.Paths[1], w.Options(() => Second), w.Context);
                var outcomes = BackupEngine.Run(w.Database, f.Targets(), w.Options(() => Second), w.Context);
                Assert.All(outcomes, o => Assert.Equal(BackupNaming.NameFor(Second, 2, encrypted: false), o.Backup.Name));
                Assert.NotEqual(earlier.Name, outcomes[1].Backup.Name);
                Assert.DoesNotContain(Listed(f.Paths[0]), n => n == earlier.Name || n.StartsWith(earlier.Name + ".", StringComparison.Ordinal));
                Assert.DoesNotContain(w.Warnings, m => m.Contains("same name"));
            }
        }

        [Fact]
        public void Destinations_that_cannot_agree_on_a_name_keep_different_names_and_say_so()
        {
            using (var w = new Workspace())
            using (var f = new Folders(w, 2))
            {
                // Names -1 and -3 taken in the first, -2 in the second: each move to the other's name meets a taken one.
                var first = new FolderStore(f.Paths[0], create: false);
                foreach (var sequence in new[] { 1, 3, 5 }) first.Put(BackupNaming.NameFor(Second, sequence, false), new byte[] { 1 }, "application/gzip", false, default);
                foreach (var sequence in new[] { 2, 4, 6 }) f.Stores[1].Put(BackupNaming.NameFor(Second, sequence, false), new byte[] { 1 }, "application/gzip", false, default);
                var outcomes = BackupEngine.Run(w.Database, f.Targets(), w.Options(() => Second), w.Context);
                Assert.All(outcomes, o => Assert.NotNull(o.Backup));
                Assert.NotEqual(outcomes[0].Backup.Name, outcomes[1].Backup.Name);
                Assert.Contains(w.Warnings, m => m.Contains("same name") && m.Contains(outcomes[0].Backup.Name) && m.Contains(outcomes[1].Backup.Name));
            }
        }

        [Fact]
        public void A_destination_that_cannot_be_read_fails_alone_before_the_snapshot()
        {
            using (var w = new Workspace())
            using (var f = new Folders(w, 2))
            {
                Directory.Delete(f.Paths[0]);
                var outcomes = BackupEngine.Run(w.Database, f.Targets(), w.Options(() => Second), w.Context);
                Assert.NotNull(outcomes[0].Error);
                Assert.NotNull(outcomes[1].Backup);
            }
        }

        [Fact]
        public void A_damaged_source_fails_the_run_and_is_recorded_in_every_destination()
        {
            using (var w = new Workspace())
            using (var f = new Folders(w, 2))
            {
                File.WriteAllBytes(w.Database, new byte[] { 1, 2, 3 });
                var e = Assert.Throws<BqBackupException>(() => BackupEngine.RunAndRecord(w.Database, f.Targets(), w.Options(() => Second), w.Context));
                foreach (var store in f.Stores)
                {
                    Assert.Empty(new BackupCatalog(store, "d").List(w.Context));
                    Assert.Equal(e.ErrorId, StatusRecord.Read(store, w.Context).LastFailureErrorId);
                }
            }
        }
    }
}
