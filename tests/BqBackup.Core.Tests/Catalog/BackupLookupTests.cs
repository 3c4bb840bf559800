using System;
using System.Collections.Generic;
using System.Linq;
using BqBackup.Catalog;
using Xunit;

namespace BqBackup.Tests.Catalog
{
    /// <summary>BackupCatalog.Find and FindOne: the one lookup by -Name every cmdlet uses.</summary>
    public class BackupLookupTests
    {
        private const string Dest = "/backups";
        private static readonly string[] Names =
        {
            "backup-2026-11-24T06-00-00.db.gz",
            "backup-2026-11-24T00-00-00.db.gz",
            "backup-2026-11-23T00-00-00.db.gz",
            "bunqueue-2026-11-22T00-00-00-000Z-4ef59650-3968-4995-9eca-fa2e9ea3c144.db",
        };

        private static List<BackupInfo> Listing() => Names.Select(n => new BackupInfo { Name = n, Destination = Dest }).ToList();

        private static (IReadOnlyList<BackupInfo> found, List<BqBackupException> notFound) Find(params string[] patterns)
        {
            var notFound = new List<BqBackupException>();
            return (BackupCatalog.Find(Listing(), patterns, Dest, notFound.Add), notFound);
        }

        [Fact]
        public void Finds_by_literal_name_whatever_the_case()
        {
            var (found, notFound) = Find("BACKUP-2026-11-24T00-00-00.DB.GZ");
            Assert.Equal(new[] { Names[1] }, found.Select(b => b.Name));
            Assert.Empty(notFound);
        }

        [Fact]
        public void Finds_by_wildcards_in_the_listings_order_each_once()
        {
            var (found, notFound) = Find("backup-2026-11-23*", "*2026-11-2[34]T*", "Backup-2026-11-24T06-00-00.db.gz");
            Assert.Equal(Names.Take(3), found.Select(b => b.Name));
            Assert.Empty(notFound);
        }

        [Fact]
        public void A_literal_name_that_matches_nothing_is_BackupNotFound_and_the_others_are_still_found()
        {
            var (found, notFound) = Find("backup-1999-01-01T00-00-00.db.gz", Names[2], "nothing-*");
            Assert.Equal(new[] { Names[2] }, found.Select(b => b.Name));
            var e = Assert.Single(notFound);   // a wildcard that matches nothing is no error
            Assert.Equal(ErrorIds.BackupNotFound, e.ErrorId);
            Assert.Equal(BqErrorCategory.ObjectNotFound, e.Category);
            Assert.Equal("backup-1999-01-01T00-00-00.db.gz", e.TargetObject);
        }

        [Fact]
        public void A_malformed_pattern_fails_before_anything_is_reported()
        {
            var notFound = new List<BqBackupException>();
            var e = Assert.Throws<BqBackupException>(() => BackupCatalog.Find(Listing(), new[] { "missing.db.gz", "backup-[" }, Dest, notFound.Add));
            Assert.Equal(ErrorIds.InvalidNamePattern, e.ErrorId);
            Assert.Empty(notFound);
        }

        [Theory]
        [InlineData("BACKUP-2026-11-23T00-00-00.db.gz", 2)]
        [InlineData("backup-2026-11-23*", 2)]
        [InlineData("*T06-*", 0)]
        [InlineData("bunqueue-*", 3)]
        public void FindOne_takes_the_one_backup_a_name_or_pattern_matches(string pattern, int index) =>
            Assert.Equal(Names[index], BackupCatalog.FindOne(Listing(), pattern, Dest).Name);

        [Fact]
        public void FindOne_refuses_a_pattern_that_matches_several()
        {
            var e = Assert.Throws<BqBackupException>(() => BackupCatalog.FindOne(Listing(), "backup-*", Dest));
            Assert.Equal(ErrorIds.AmbiguousBackupName, e.ErrorId);
            Assert.Equal(BqErrorCategory.InvalidArgument, e.Category);
            Assert.Equal("backup-*", e.TargetObject);
            Assert.Contains("matches 3 backups", e.Message);
            Assert.Contains(Names[0], e.Message);
            Assert.Contains("-Latest", e.RecommendedAction);
        }

        [Theory]
        [InlineData("backup-1999-01-01T00-00-00.db.gz", "There is no backup named")]
        [InlineData("backup-1999-*", "matches 'backup-1999-*'")]
        public void FindOne_of_nothing_is_BackupNotFound(string pattern, string message)
        {
            var e = Assert.Throws<BqBackupException>(() => BackupCatalog.FindOne(Listing(), pattern, Dest));
            Assert.Equal(ErrorIds.BackupNotFound, e.ErrorId);
            Assert.Equal(pattern, e.TargetObject);
            Assert.Contains(message, e.Message);
        }

        [Fact]
        public void FindOne_of_a_literal_name_prefers_the_exact_spelling_among_names_that_differ_in_case()
        {
            var upper = "bunqueue-2026-11-22T00-00-00-000Z-4EF59650-3968-4995-9ECA-FA2E9EA3C144.db";
            var listing = Listing().Append(new BackupInfo { Name = upper, Destination = Dest }).ToList();
            Assert.Equal(upper, BackupCatalog.FindOne(listing, upper, Dest).Name);
            Assert.Equal(Names[3], BackupCatalog.FindOne(listing, Names[3], Dest).Name);
            Assert.Equal(ErrorIds.AmbiguousBackupName,
                Assert.Throws<BqBackupException>(() => BackupCatalog.FindOne(listing, upper.ToLowerInvariant().Replace("bunqueue", "BUNQUEUE"), Dest)).ErrorId);
        }
    }
}
