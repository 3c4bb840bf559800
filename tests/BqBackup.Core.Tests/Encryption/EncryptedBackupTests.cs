using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using BqBackup.Backup;
using BqBackup.Catalog;
using BqBackup.Codec.Age;
using BqBackup.Encryption;
using BqBackup.Restore;
using BqBackup.Storage;
using BqBackup.Tests.Fixtures;
using Xunit;

namespace BqBackup.Tests.Encryption
{
    public class EncryptedBackupTests
    {
        private static BackupInfo Encrypted(Workspace w, AgeX25519Identity identity, bool minimal = false)
        {
            var options = w.Options();
            options.Encryption = BackupEncryption.Resolve(new[] { identity.Recipient.ToString() }, null, null, null);
            options.MinimalMetadata = minimal;
            var made = BackupEngine.Run(w.Database, w.Store, w.BackupsPath, options, w.Context);
            return new BackupCatalog(w.Store, w.BackupsPath).Get(made.Name, w.Context);
        }

        private static BackupDecryption Keys(AgeX25519Identity identity, Workspace w)
        {
            var file = w.File("key-" + Guid.NewGuid().ToString("N") + ".txt");
            File.WriteAllText(file, "# test\n" + identity.ExportSecretKey() + "\n");
            return BackupDecryption.Resolve(new[] { file }, null, null);
        }

        private static RestoreResult Restore(Workspace w, BackupInfo b, string target, BackupDecryption keys) =>
            RestoreEngine.Run(b, w.Store, target, new RestoreOptions { Decryption = keys }, w.Context);

        [Fact]
        public void Encrypts_in_the_backup_pass_names_it_db_gz_age_and_records_recipients_not_secrets()
        {
            using (var w = new Workspace())
            using (var id = AgeX25519Identity.Generate())
            {
                var b = Encrypted(w, id);
                Assert.EndsWith(".db.gz.age", b.Name);
                Assert.True(b.Encrypted);
                Assert.Equal(new[] { id.Recipient.ToString() }, b.Recipients);
                var body = File.ReadAllBytes(Path.Combine(w.BackupsPath, b.Name));
                Assert.Equal(body.Length, b.Size);
                Assert.Equal(b.Size, b.ExpectedSize);
                Assert.StartsWith(AgeHeader.VersionLine, Encoding.ASCII.GetString(body, 0, 30));
                var meta = File.ReadAllText(Path.Combine(w.BackupsPath, b.Name + BackupNaming.MetadataSuffix));
                Assert.Contains("\"encryption\": \"age\"", meta);
                Assert.DoesNotContain("AGE-SECRET-KEY", meta);
            }
        }

        [Fact]
        public void Restores_with_the_identity_and_refuses_without_one()
        {
            using (var w = new Workspace())
            using (var id = AgeX25519Identity.Generate())
            using (var keys = Keys(id, w))
            {
                var b = Encrypted(w, id);
                var target = Path.Combine(w.Dir("live"), "queue.db");
                var e = Assert.Throws<BqBackupException>(() => Restore(w, b, target, null));
                Assert.Equal(ErrorIds.AgeIdentityRequired, e.ErrorId);
                Assert.False(File.Exists(target));
                var r = Restore(w, b, target, keys);
                Assert.True(r.Encrypted);
                Assert.True(r.ChecksumVerified);
                Assert.Equal(b.Sha256, Db.Sha256(target));
            }
        }

        [Fact]
        public void Minimal_metadata_leaves_out_checksum_and_counts_and_a_flipped_byte_is_still_refused()
        {
            using (var w = new Workspace())
            using (var id = AgeX25519Identity.Generate())
            using (var keys = Keys(id, w))
            {
                var b = Encrypted(w, id, minimal: true);
                Assert.Equal(BackupStatus.Ok, b.Status);
                Assert.Null(b.Sha256);
                Assert.Null(b.Counts);
                var target = Path.Combine(w.Dir("live"), "queue.db");
                var r = Restore(w, b, target, keys);
                Assert.False(r.ChecksumVerified);
                Assert.Equal("ok", r.IntegrityCheck);

                var bodyPath = Path.Combine(w.BackupsPath, b.Name);
                var body = File.ReadAllBytes(bodyPath);
                body[body.Length / 2] ^= 0x20;
                File.WriteAllBytes(bodyPath, body);
                var before = Db.Sha256(target);
                var e = Assert.Throws<BqBackupException>(() => Restore(w, b, target, keys));
                Assert.Equal(ErrorIds.AgeBodyTampered, e.ErrorId);
                Assert.Equal(before, Db.Sha256(target));
            }
        }

        [Fact]
        public void Minimal_metadata_without_encryption_is_refused()
        {
            using (var w = new Workspace())
            {
                var options = w.Options();
                options.MinimalMetadata = true;
                var e = Assert.Throws<BqBackupException>(() => BackupEngine.Run(w.Database, w.Store, w.BackupsPath, options, w.Context));
                Assert.Equal(ErrorIds.AgeRecipientRequired, e.ErrorId);
                Assert.Empty(Directory.GetFiles(w.BackupsPath));
            }
        }

        [Fact]
        public void Test_without_identity_is_NotVerified_with_identity_Passed_wrong_identity_Failed()
        {
            using (var w = new Workspace())
            using (var id = AgeX25519Identity.Generate())
            using (var other = AgeX25519Identity.Generate())
            using (var keys = Keys(id, w))
            using (var wrong = Keys(other, w))
            {
                var b = Encrypted(w, id);
                var none = BackupVerifier.Test(b, w.Store, w.Context, w.TempRoot);
                Assert.Equal(BackupTestStatus.NotVerified, none.Result);
                Assert.False(none.Passed);
                Assert.Contains(w.Warnings, m => m.Contains("NOT verified"));
                var ok = BackupVerifier.Test(b, w.Store, w.Context, w.TempRoot, decryption: keys);
                Assert.Equal(BackupTestStatus.Passed, ok.Result);
                Assert.True(ok.Passed);
                var bad = BackupVerifier.Test(b, w.Store, w.Context, w.TempRoot, decryption: wrong);
                Assert.Equal(BackupTestStatus.Failed, bad.Result);
                Assert.Equal(new[] { ErrorIds.AgeNoMatchingIdentity }, bad.ErrorIds);
            }
        }

        [Fact]
        public void Test_without_identity_fails_a_header_that_does_not_match_the_recorded_recipients()
        {
            using (var w = new Workspace())
            using (var id = AgeX25519Identity.Generate())
            {
                var b = Encrypted(w, id);
                b.Recipients = new ReadableList<string> { id.Recipient.ToString(), "age1other" };
                var r = BackupVerifier.Test(b, w.Store, w.Context, w.TempRoot);
                Assert.Equal(BackupTestStatus.Failed, r.Result);
                Assert.Contains(r.Reasons, m => m.Contains("1 X25519 stanza"));
            }
        }

        [Fact]
        public void Resolve_reads_parameters_first_then_the_environment()
        {
            using (var a = AgeX25519Identity.Generate())
            using (var b = AgeX25519Identity.Generate())
            {
                var env = new DictionaryEnvironment(new Dictionary<string, string>
                {
                    [EncryptionEnvironment.Recipients] = $"{a.Recipient}, {b.Recipient}\n{a.Recipient}",
                });
                using (var fromEnv = BackupEncryption.Resolve(null, null, null, env))
                    Assert.Equal(new[] { a.Recipient.ToString(), b.Recipient.ToString() }, fromEnv.RecipientNames);
                using (var given = BackupEncryption.Resolve(new[] { b.Recipient.ToString() }, null, null, env))
                    Assert.Equal(new[] { b.Recipient.ToString() }, given.RecipientNames);
                Assert.Null(BackupEncryption.Resolve(null, null, null, new DictionaryEnvironment(new Dictionary<string, string>())));
                Assert.Null(BackupDecryption.Resolve(null, null, new DictionaryEnvironment(new Dictionary<string, string>())));
            }
        }

        [Fact]
        public void A_secret_key_given_as_a_recipient_is_refused_and_never_repeated()
        {
            using (var a = AgeX25519Identity.Generate())
            {
                var secret = a.ExportSecretKey();
                var e = Assert.Throws<BqBackupException>(() => BackupEncryption.Resolve(new[] { secret }, null, null, null));
                Assert.Equal(ErrorIds.AgeRecipientInvalid, e.ErrorId);
                Assert.DoesNotContain(secret.Substring(16, 20), e.Message + e.TargetObject + e.RecommendedAction, StringComparison.OrdinalIgnoreCase);
                Assert.Null(e.TargetObject);
            }
        }

        [Fact]
        public void Passphrase_cannot_be_mixed_with_recipients()
        {
            using (var a = AgeX25519Identity.Generate())
            using (var pass = new System.Security.SecureString())
            {
                pass.AppendChar('x');
                var e = Assert.Throws<BqBackupException>(() => BackupEncryption.Resolve(new[] { a.Recipient.ToString() }, null, pass, null));
                Assert.Equal(ErrorIds.AgeRecipientInvalid, e.ErrorId);
            }
        }
    }
}
