using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using BqBackup.Backup;
using BqBackup.Catalog;
using BqBackup.Codec;
using BqBackup.Codec.Age;
using BqBackup.Encryption;
using BqBackup.Restore;
using BqBackup.Retention;
using BqBackup.Tests.Fixtures;
using Xunit;

namespace BqBackup.Tests.Backup
{
    /// <summary>
    /// A zstd backup end to end through the engine: its name, its sidecar, the listing beside gzip
    /// backups, Test, Restore, retention and expiry over both, and under age encryption.
    /// </summary>
    public class ZstdBackupTests
    {
        private static BackupInfo Zstd(Workspace w, Func<DateTime> now = null, BackupEncryption encryption = null)
        {
            var options = w.Options(now);
            options.Compression = BqCompression.Zstd;
            options.Encryption = encryption;
            return BackupEngine.Run(w.Database, w.Store, w.BackupsPath, options, w.Context);
        }

        private static BackupCatalog Catalog(Workspace w) => new BackupCatalog(w.Store, w.BackupsPath);

        [Fact]
        public void A_zstd_backup_is_named_db_zst_and_its_sidecar_says_zstd()
        {
            using (var w = new Workspace())
            {
                var made = Zstd(w, () => new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc));
                Assert.Equal("backup-2026-03-04T05-06-07.db.zst", made.Name);
                Assert.Equal("Zstd", made.Compression);
                var body = File.ReadAllBytes(Path.Combine(w.BackupsPath, made.Name));
                Assert.True(ZstdCodec.IsZstd(body, body.Length));
                var meta = BackupMetadata.Parse(File.ReadAllBytes(Path.Combine(w.BackupsPath, made.Name + BackupNaming.MetadataSuffix)), out var problem);
                Assert.Null(problem);
                Assert.Equal("zstd", meta.Compression);
                Assert.True(meta.Compressed);
                Assert.Equal(body.Length, meta.CompressedSize);

                var listed = Catalog(w).Get(made.Name, w.Context);
                Assert.Equal(BackupStatus.Ok, listed.Status);
                Assert.Equal("Zstd", listed.Compression);
                Assert.Equal(made.Sha256, listed.Sha256);
            }
        }

        [Fact]
        public void Gzip_and_zstd_backups_list_together_newest_first_and_both_restore_and_test()
        {
            using (var w = new Workspace(jobs: 120))
            {
                var t = DateTime.UtcNow;
                var gz = w.Backup(() => t.AddMinutes(-2));
                var zst = Zstd(w, () => t.AddMinutes(-1));
                // The same second as the zstd one: another name, never a clash.
                var gzSameSecond = w.Backup(() => t.AddMinutes(-1));
                var all = Catalog(w).List(w.Context);
                Assert.Equal(3, all.Count);
                Assert.Equal(new[] { "Gzip", "Zstd", "Gzip" }.OrderBy(x => x), all.Select(b => b.Compression).OrderBy(x => x));
                Assert.Equal(gz.Name, all.Last().Name);
                Assert.Contains(all, b => b.Name == zst.Name);
                Assert.Contains(all, b => b.Name == gzSameSecond.Name);

                foreach (var b in all)
                {
                    var test = BackupVerifier.Test(b, w.Store, w.Context, w.TempRoot);
                    Assert.True(test.Passed, $"{b.Name}: {test.Reasons}");
                }
                var target = Path.Combine(w.Dir("live"), "queue.db");
                var r = RestoreEngine.Run(all.Single(b => b.Name == zst.Name), w.Store, target, new RestoreOptions(), w.Context);
                Assert.Equal(zst.Sha256, r.Sha256);
                Assert.Equal(w.Expected.Jobs, Db.Scalar(target, "SELECT COUNT(*) FROM jobs"));
            }
        }

        [Fact]
        public void Retention_and_expiry_treat_zstd_backups_like_gzip_ones()
        {
            using (var w = new Workspace(jobs: 20))
            {
                var now = DateTime.UtcNow;
                var old1 = Zstd(w, () => now.AddDays(-20));
                var old2 = w.Backup(() => now.AddDays(-10));
                var newest = Zstd(w, () => now);
                var decisions = RetentionEvaluator.Evaluate(Catalog(w).List(w.Context), new RetentionPolicy { RetentionDays = 7 }, now);
                Assert.Equal(new[] { newest.Name }, decisions.Where(d => d.Keep).Select(d => d.Name));
                ExpiryEngine.Apply(w.Store, decisions, (_, _) => true, w.Context);
                var left = Directory.GetFiles(w.BackupsPath).Select(Path.GetFileName).Where(n => n.StartsWith("backup-")).OrderBy(n => n).ToArray();
                Assert.Equal(new[] { newest.Name, newest.Name + BackupNaming.MetadataSuffix }, left);
            }
        }

        [Fact]
        public void An_encrypted_zstd_backup_is_db_zst_age_and_restores_with_the_identity()
        {
            using (var w = new Workspace())
            using (var id = AgeX25519Identity.Generate())
            using (var encryption = BackupEncryption.Resolve(new[] { id.Recipient.ToString() }, null, null, null))
            {
                var made = Zstd(w, encryption: encryption);
                Assert.EndsWith(".db.zst.age", made.Name);
                var listed = Catalog(w).Get(made.Name, w.Context);
                Assert.True(listed.Encrypted);
                Assert.Equal("Zstd", listed.Compression);
                var keyFile = w.File("key.txt");
                File.WriteAllText(keyFile, id.ExportSecretKey() + "\n");
                using (var keys = BackupDecryption.Resolve(new[] { keyFile }, null, null))
                {
                    var target = Path.Combine(w.Dir("live"), "queue.db");
                    var r = RestoreEngine.Run(listed, w.Store, target, new RestoreOptions { Decryption = keys }, w.Context);
                    Assert.Equal(made.Sha256, r.Sha256);
                    Assert.Equal(w.Expected.Jobs, Db.Scalar(target, "SELECT COUNT(*) FROM jobs"));
                }
            }
        }
    }
}
