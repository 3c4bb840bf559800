using System;
using System.Text;
using BqBackup.Catalog;
using Xunit;

namespace BqBackup.Tests.Catalog
{
    public class NamingAndMetadataTests
    {
        [Fact]
        public void Names_follow_the_seed_in_UTC_with_a_suffix_for_the_same_second()
        {
            var t = new DateTime(2024, 1, 15, 18, 0, 0, 250, DateTimeKind.Utc);
            Assert.Equal("backup-2024-01-15T18-00-00.db.gz", BackupNaming.NameFor(t, 1));
            Assert.Equal("backup-2024-01-15T18-00-00-2.db.gz", BackupNaming.NameFor(t, 2));
            var local = new DateTimeOffset(2024, 1, 15, 19, 0, 0, TimeSpan.FromHours(1)).UtcDateTime;
            Assert.Equal("backup-2024-01-15T18-00-00.db.gz", BackupNaming.NameFor(local, 1));
        }

        [Theory]
        [InlineData("backup-2024-01-15T18-00-00.db.gz", "BqBackup", "2024-01-15T18:00:00.000")]
        [InlineData("backup-2024-01-15T18-00-00-3.db.gz", "BqBackup", "2024-01-15T18:00:00.000")]
        [InlineData("bunqueue-2026-11-25T02-40-51-605Z-4ef59650-3968-4995-9eca-fa2e9ea3c144.db", "bunqueue", "2026-11-25T02:40:51.605")]
        public void Backup_names_are_recognised_with_their_origin_and_time(string name, string origin, string time)
        {
            Assert.True(BackupNaming.TryParse(name, out var o, out var t));
            Assert.Equal(origin, o);
            Assert.Equal(DateTimeKind.Utc, t.Kind);
            Assert.Equal(time, t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff"));
        }

        [Theory]
        [InlineData("backup-2024-01-15T18-00-00.db.gz.meta.json")]
        [InlineData("backup-2024-01-15T18-00-00.db")]
        [InlineData("backup-2024-13-15T18-00-00.db.gz")]
        [InlineData("bunqueue-2026-11-25T02-40-51-605Z-4ef59650-3968-4995-9eca-fa2e9ea3c144.db.gz")]
        [InlineData("notes.txt")]
        public void Anything_else_is_not_a_backup(string name) => Assert.False(BackupNaming.TryParse(name, out _, out _));

        [Fact]
        public void Metadata_round_trips_with_bunqueue_fields_first()
        {
            var meta = new BackupMetadata
            {
                Timestamp = new DateTime(2026, 11, 25, 2, 40, 51, 605, DateTimeKind.Utc), Version = "bqbackup-0.1.0", Size = 204800,
                CompressedSize = 8035, Checksum = new string('a', 64), Compressed = true, Tool = "bqbackup-0.1.0", Host = "h",
                SourcePath = "/data/q.db", SchemaVersion = 37, Counts = new JobCounts { Waiting = 2, Dlq = 1, CronJobs = 3 },
            };
            var json = Encoding.UTF8.GetString(meta.ToJson());
            Assert.StartsWith("{\n  \"timestamp\": \"2026-11-25T02:40:51.605Z\",\n  \"version\"", json.Replace("\r", ""));
            var back = BackupMetadata.Parse(meta.ToJson(), out var problem);
            Assert.Null(problem);
            Assert.Equal(meta.Timestamp, back.Timestamp);
            Assert.Equal(8035, back.CompressedSize);
            Assert.Equal(37, back.SchemaVersion);
            Assert.Equal(2, back.Counts.Waiting);
            Assert.Equal(3, back.Counts.CronJobs);
        }

        [Fact]
        public void Bunqueues_own_metadata_is_read()
        {
            var json = "{\"timestamp\":\"2026-11-25T02:40:51.605Z\",\"version\":\"2.9.5\",\"size\":204800,\"compressedSize\":8035,\"checksum\":\"" + new string('0', 63) + "f\",\"compressed\":true}";
            var meta = BackupMetadata.Parse(Encoding.UTF8.GetBytes(json), out var problem);
            Assert.Null(problem);
            Assert.Equal("2.9.5", meta.Version);
            Assert.True(meta.Compressed);
            Assert.Null(meta.Counts);
        }

        [Theory]
        [InlineData("not json")]
        [InlineData("[]")]
        [InlineData("{\"timestamp\":\"2026-11-25T02:40:51.605Z\",\"size\":1,\"checksum\":\"abc\"}")]
        [InlineData("{\"size\":1,\"checksum\":\"0000000000000000000000000000000000000000000000000000000000000000\"}")]
        public void Unusable_metadata_says_why(string json)
        {
            Assert.Null(BackupMetadata.Parse(Encoding.UTF8.GetBytes(json), out var problem));
            Assert.False(string.IsNullOrEmpty(problem));
        }
    }
}
