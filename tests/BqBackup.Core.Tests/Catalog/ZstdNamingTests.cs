using System;
using BqBackup.Catalog;
using BqBackup.Codec;
using Xunit;

namespace BqBackup.Tests.Catalog
{
    /// <summary>The names of zstd backups: …db.zst, …db.zst.age, with the same -N suffixes as gzip ones.</summary>
    public class ZstdNamingTests
    {
        private static readonly DateTime Second = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        [Theory]
        [InlineData(1, false, "backup-2026-01-02T03-04-05.db.zst")]
        [InlineData(2, false, "backup-2026-01-02T03-04-05-2.db.zst")]
        [InlineData(1, true, "backup-2026-01-02T03-04-05.db.zst.age")]
        [InlineData(3, true, "backup-2026-01-02T03-04-05-3.db.zst.age")]
        public void Zstd_names_parse_back_to_their_time_and_compression(int sequence, bool encrypted, string expected)
        {
            var name = BackupNaming.NameFor(Second, sequence, encrypted, BqCompression.Zstd);
            Assert.Equal(expected, name);
            Assert.True(BackupNaming.TryParse(name, out var origin, out var time));
            Assert.Equal(BackupOrigin.BqBackup, origin);
            Assert.Equal(Second, time);
            Assert.Equal(encrypted, BackupNaming.IsEncryptedName(name));
            Assert.Equal(BqCompression.Zstd, BackupNaming.CompressionOfName(name));
        }

        [Theory]
        [InlineData("backup-2026-01-02T03-04-05.db.gz", BqCompression.Gzip)]
        [InlineData("backup-2026-01-02T03-04-05.db.gz.age", BqCompression.Gzip)]
        [InlineData("backup-2026-01-02T03-04-05.db.zst", BqCompression.Zstd)]
        public void The_name_says_the_compression(string name, BqCompression expected) =>
            Assert.Equal(expected, BackupNaming.CompressionOfName(name));

        [Theory]
        [InlineData("backup-2026-01-02T03-04-05.db.zstd")]
        [InlineData("backup-2026-01-02T03-04-05.db.zst.gz")]
        [InlineData("backup-2026-01-02T03-04-05.db.zst.age.age")]
        [InlineData("backup-2026-01-02T03-04-05.db.zst.meta.json")]
        [InlineData("backup-2026-01-02T03-04-05.zst")]
        [InlineData("backup-2026-01-02T03-04-05.db.ZST")]
        public void Near_misses_are_not_backups(string name)
        {
            Assert.False(BackupNaming.TryParse(name, out _, out _));
            Assert.Null(BackupNaming.CompressionOfName(name));
            Assert.False(BackupNaming.IsEncryptedName(name));
        }
    }
}
