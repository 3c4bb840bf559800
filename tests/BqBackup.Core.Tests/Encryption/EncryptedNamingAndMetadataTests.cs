using System;
using System.Text;
using BqBackup.Catalog;
using Xunit;

namespace BqBackup.Tests.Encryption
{
    public class EncryptedNamingAndMetadataTests
    {
        private static readonly DateTime At = new DateTime(2026, 11, 24, 3, 0, 5, DateTimeKind.Utc);

        [Fact]
        public void Encrypted_names_end_db_gz_age_and_list_as_ours()
        {
            Assert.Equal("backup-2026-11-24T03-00-05.db.gz.age", BackupNaming.NameFor(At, 1, encrypted: true));
            Assert.Equal("backup-2026-11-24T03-00-05-2.db.gz.age", BackupNaming.NameFor(At, 2, encrypted: true));
            Assert.Equal("backup-2026-11-24T03-00-05.db.gz", BackupNaming.NameFor(At, 1));
            Assert.True(BackupNaming.TryParse("backup-2026-11-24T03-00-05-2.db.gz.age", out var origin, out var t));
            Assert.Equal(BackupOrigin.BqBackup, origin);
            Assert.Equal(At, t);
            Assert.True(BackupNaming.IsEncryptedName("backup-2026-11-24T03-00-05.db.gz.age"));
            Assert.False(BackupNaming.IsEncryptedName("backup-2026-11-24T03-00-05.db.gz"));
            Assert.False(BackupNaming.TryParse("backup-2026-11-24T03-00-05.db.age", out _, out _));
            Assert.False(BackupNaming.TryParse("backup-2026-11-24T03-00-05.db.gz.age.meta.json", out _, out _));
        }

        [Fact]
        public void The_sidecar_records_encryption_and_recipients_and_may_leave_the_checksum_out()
        {
            var meta = new BackupMetadata
            {
                Timestamp = At, Version = "v", Size = 10, CompressedSize = 99, Compressed = true,
                Encryption = BackupMetadata.EncryptionAge, Recipients = new[] { "age1abc", "scrypt" },
            };
            var json = Encoding.UTF8.GetString(meta.ToJson());
            Assert.DoesNotContain("checksum", json);
            var parsed = BackupMetadata.Parse(meta.ToJson(), out var problem);
            Assert.Null(problem);
            Assert.Equal("age", parsed.Encryption);
            Assert.Equal(new[] { "age1abc", "scrypt" }, parsed.Recipients);
            Assert.Null(parsed.Checksum);
            Assert.Equal(99, parsed.CompressedSize);
        }

        [Fact]
        public void A_plain_sidecar_still_needs_its_checksum_and_an_unknown_encryption_is_invalid()
        {
            Assert.Null(BackupMetadata.Parse(Encoding.UTF8.GetBytes("{\"timestamp\":\"2026-11-24T03:00:05.000Z\",\"size\":1,\"compressed\":true}"), out var p1));
            Assert.Contains("checksum", p1);
            Assert.Null(BackupMetadata.Parse(Encoding.UTF8.GetBytes("{\"timestamp\":\"2026-11-24T03:00:05.000Z\",\"size\":1,\"encryption\":\"gpg\"}"), out var p2));
            Assert.Contains("encryption", p2);
        }
    }
}
