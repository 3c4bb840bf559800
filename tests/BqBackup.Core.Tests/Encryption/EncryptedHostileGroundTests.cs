using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using BqBackup.Backup;
using BqBackup.Catalog;
using BqBackup.Codec.Age;
using BqBackup.Encryption;
using BqBackup.Restore;
using BqBackup.Tests.Backup;
using Xunit;

namespace BqBackup.Tests.Encryption
{
    /// <summary>
    /// Encryption inside the name claim and the bounded fetch: an encrypted backup claims its own
    /// name (…db.gz.age) and stores again under the next one when it loses it; the decrypted gzip is
    /// bounded by the sidecar's size or -MaxSize like a plain one; a missing identity is reported
    /// before anything is locked, fetched or written.
    /// </summary>
    public class EncryptedHostileGroundTests
    {
        private static readonly DateTime Second = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        private static BackupOptions EncryptTo(Workspace w, AgeX25519Identity identity, Func<DateTime> now = null)
        {
            var options = w.Options(now);
            options.Encryption = BackupEncryption.Resolve(new[] { identity.Recipient.ToString() }, null, null, null);
            return options;
        }

        private static BackupDecryption Keys(AgeX25519Identity identity, Workspace w)
        {
            var file = w.File("key-" + Guid.NewGuid().ToString("N") + ".txt");
            File.WriteAllText(file, identity.ExportSecretKey() + "\n");
            return BackupDecryption.Resolve(new[] { file }, null, null);
        }

        private static BackupInfo Listed(Workspace w, string name) => new BackupCatalog(w.Store, w.BackupsPath).Get(name, w.Context);

        private static string LiveCopy(Workspace w)
        {
            var target = Path.Combine(w.Dir("live"), "queue.db");
            File.Copy(w.Database, target);
            return target;
        }

        [Fact]
        public void An_encrypted_backup_claims_its_own_name_and_its_sidecar_carries_the_run_id()
        {
            using (var w = new Workspace())
            using (var id = AgeX25519Identity.Generate())
            {
                var plain = BackupEngine.Run(w.Database, w.Store, w.BackupsPath, w.Options(() => Second), w.Context);
                var encrypted = BackupEngine.Run(w.Database, w.Store, w.BackupsPath, EncryptTo(w, id, () => Second), w.Context);
                var again = BackupEngine.Run(w.Database, w.Store, w.BackupsPath, EncryptTo(w, id, () => Second), w.Context);
                Assert.Equal(BackupNaming.NameFor(Second, 1), plain.Name);
                Assert.Equal(BackupNaming.NameFor(Second, 1, encrypted: true), encrypted.Name);
                Assert.Equal(BackupNaming.NameFor(Second, 2, encrypted: true), again.Name);
                var meta = BackupMetadata.Parse(File.ReadAllBytes(Path.Combine(w.BackupsPath, encrypted.MetadataName)), out var problem);
                Assert.Null(problem);
                Assert.Equal(BackupMetadata.EncryptionAge, meta.Encryption);
                Assert.False(string.IsNullOrEmpty(meta.RunId));
            }
        }

        [Fact]
        public void An_encrypted_backup_that_loses_its_name_during_the_upload_is_encrypted_again_under_the_next()
        {
            using (var w = new Workspace())
            using (var id = AgeX25519Identity.Generate())
            using (var keys = Keys(id, w))
            {
                var firstName = BackupNaming.NameFor(Second, 1, encrypted: true);
                var first = BackupNaming.MetadataNameFor(firstName);
                var stranger = System.Text.Encoding.UTF8.GetBytes("{\"claim\":true,\"runId\":\"another-run\"}");
                var store = new NameClaimTests.InterferingStore(w.Store)
                {
                    OnBeginUpload = key => { if (key == firstName) w.Store.Put(first, stranger, "application/json", overwrite: true, default); },
                };
                var info = BackupEngine.Run(w.Database, store, w.BackupsPath, EncryptTo(w, id, () => Second), w.Context);
                Assert.Equal(BackupNaming.NameFor(Second, 2, encrypted: true), info.Name);
                Assert.Equal(stranger, File.ReadAllBytes(Path.Combine(w.BackupsPath, first)));
                Assert.False(File.Exists(Path.Combine(w.BackupsPath, firstName)));

                var listed = Assert.Single(new BackupCatalog(w.Store, w.BackupsPath).List(w.Context));
                Assert.Equal(BackupStatus.Ok, listed.Status);
                Assert.True(listed.Encrypted);
                var target = Path.Combine(w.Dir("restored"), "queue.db");
                var r = RestoreEngine.Run(listed, w.Store, target, new RestoreOptions { Decryption = keys }, w.Context);
                Assert.True(r.Encrypted);
                Assert.True(r.ChecksumVerified);
            }
        }

        [Fact]
        public void A_decrypted_body_that_inflates_past_its_sidecar_size_is_stopped_there_and_leaves_nothing()
        {
            using (var w = new Workspace())
            using (var id = AgeX25519Identity.Generate())
            using (var keys = Keys(id, w))
            {
                var options = EncryptTo(w, id);
                var info = BackupEngine.Run(w.Database, w.Store, w.BackupsPath, options, w.Context);
                // A valid age file to the same recipient whose gzip inflates to 64 MiB: age's tags all verify.
                using (var f = File.Create(Path.Combine(w.BackupsPath, info.Name)))
                using (var age = new AgeEncryptingStream(f, options.Encryption.Recipients))
                {
                    using (var gz = new GZipStream(age, CompressionLevel.Fastest, leaveOpen: true))
                        for (var i = 0; i < 64; i++) gz.Write(new byte[1 << 20], 0, 1 << 20);
                    age.FlushFinalBlock();
                }
                var target = LiveCopy(w);
                var before = Db.Sha256(target);
                var e = Assert.Throws<BqBackupException>(() =>
                    RestoreEngine.Run(Listed(w, info.Name), w.Store, target, new RestoreOptions { Decryption = keys }, w.Context));
                Assert.Equal(ErrorIds.SizeMismatch, e.ErrorId);
                Assert.Contains("stopped", e.Message);
                Assert.EndsWith("The database was not changed.", e.Message);
                Assert.Equal(1, CountOf(e.Message, "The database was not changed."));
                Assert.Equal(before, Db.Sha256(target));
                Assert.Equal(new[] { "queue.db" }, Directory.GetFiles(Path.GetDirectoryName(target)).Select(Path.GetFileName).Where(n => !n.EndsWith(".lock")));

                var test = BackupVerifier.Test(Listed(w, info.Name), w.Store, w.Context, w.TempRoot, decryption: keys);
                Assert.Equal(BackupTestStatus.Failed, test.Result);
                Assert.Equal(new[] { ErrorIds.SizeMismatch }, test.ErrorIds);
            }
        }

        [Fact]
        public void Without_a_sidecar_MaxSize_bounds_a_decrypted_body_too()
        {
            using (var w = new Workspace())
            using (var id = AgeX25519Identity.Generate())
            using (var keys = Keys(id, w))
            {
                var info = BackupEngine.Run(w.Database, w.Store, w.BackupsPath, EncryptTo(w, id), w.Context);
                File.Delete(Path.Combine(w.BackupsPath, info.MetadataName));
                var target = LiveCopy(w);
                var e = Assert.Throws<BqBackupException>(() =>
                    RestoreEngine.Run(Listed(w, info.Name), w.Store, target, new RestoreOptions { Force = true, MaxSize = 4096, Decryption = keys }, w.Context));
                Assert.Equal(ErrorIds.MaxSizeExceeded, e.ErrorId);
                Assert.Equal(new[] { "queue.db" }, Directory.GetFiles(Path.GetDirectoryName(target)).Select(Path.GetFileName).Where(n => !n.EndsWith(".lock")));

                var test = BackupVerifier.Test(Listed(w, info.Name), w.Store, w.Context, w.TempRoot, maxSize: 4096, decryption: keys);
                Assert.Equal(BackupTestStatus.Failed, test.Result);
                Assert.Contains(ErrorIds.MaxSizeExceeded, test.ErrorIds);
            }
        }

        [Fact]
        public void A_sidecar_declaring_more_than_MaxSize_fails_Test_before_any_key_is_needed()
        {
            using (var w = new Workspace())
            using (var id = AgeX25519Identity.Generate())
            {
                var info = BackupEngine.Run(w.Database, w.Store, w.BackupsPath, EncryptTo(w, id), w.Context);
                var test = BackupVerifier.Test(Listed(w, info.Name), w.Store, w.Context, w.TempRoot, maxSize: 4096);
                Assert.Equal(BackupTestStatus.Failed, test.Result);
                Assert.Equal(new[] { ErrorIds.MaxSizeExceeded }, test.ErrorIds);
            }
        }

        [Fact]
        public void Restore_without_an_identity_is_refused_before_anything_is_locked_or_written()
        {
            using (var w = new Workspace())
            using (var id = AgeX25519Identity.Generate())
            {
                var info = BackupEngine.Run(w.Database, w.Store, w.BackupsPath, EncryptTo(w, id), w.Context);
                var target = LiveCopy(w);
                var e = Assert.Throws<BqBackupException>(() =>
                    RestoreEngine.Run(Listed(w, info.Name), w.Store, target, new RestoreOptions(), w.Context));
                Assert.Equal(ErrorIds.AgeIdentityRequired, e.ErrorId);
                Assert.EndsWith("The database was not changed.", e.Message);
                Assert.Equal(new[] { "queue.db" }, Directory.GetFiles(Path.GetDirectoryName(target)).Select(Path.GetFileName));
            }
        }

        private static int CountOf(string text, string part)
        {
            var n = 0;
            for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
            return n;
        }
    }
}
