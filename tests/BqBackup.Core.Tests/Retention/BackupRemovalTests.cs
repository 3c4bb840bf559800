using System;
using System.Collections.Generic;
using System.Linq;
using BqBackup.Retention;
using Xunit;

namespace BqBackup.Tests.Retention
{
    /// <summary>BackupRemoval: which backups Remove-BqBackup removes, and what it reports for the others.</summary>
    public class BackupRemovalTests
    {
        private const string Theirs = "bunqueue-2026-01-01T00-00-00-000Z-4ef59650-3968-4995-9eca-fa2e9ea3c144.db";

        private static BackupInfo B(string name, string origin = BackupOrigin.BqBackup) => new BackupInfo { Name = name, Origin = origin, Destination = "/d" };

        private static readonly IReadOnlyList<BackupInfo> Listing = new[]
        {
            B("backup-2026-01-03T00-00-00.db.gz"), B("backup-2026-01-02T00-00-00.db.gz"), B(Theirs, BackupOrigin.Bunqueue),
        };

        [Fact]
        public void A_wildcard_leaves_bunqueue_backups_out_and_says_so()
        {
            var errors = new List<BqBackupException>();
            var verbose = new List<string>();
            var picked = BackupRemoval.SelectByName(Listing, new[] { "*" }, false, "/d", errors.Add, verbose.Add);
            Assert.Equal(new[] { "backup-2026-01-03T00-00-00.db.gz", "backup-2026-01-02T00-00-00.db.gz" }, picked.Select(b => b.Name));
            Assert.Empty(errors);
            Assert.Contains(verbose, v => v.Contains(Theirs));
        }

        [Fact]
        public void A_bunqueue_backup_named_exactly_or_piped_is_protected_unless_included()
        {
            var errors = new List<BqBackupException>();
            Assert.Empty(BackupRemoval.SelectByName(Listing, new[] { Theirs }, false, "/d", errors.Add, null));
            Assert.Empty(BackupRemoval.SelectPiped(Listing, new[] { B(Theirs, BackupOrigin.Bunqueue) }, false, "/d", errors.Add));
            Assert.Equal(new[] { ErrorIds.BunqueueBackupProtected, ErrorIds.BunqueueBackupProtected }, errors.Select(e => e.ErrorId));
            Assert.Single(BackupRemoval.SelectByName(Listing, new[] { Theirs }, true, "/d", errors.Add, null));
            Assert.Single(BackupRemoval.SelectPiped(Listing, new[] { B(Theirs, BackupOrigin.Bunqueue) }, true, "/d", errors.Add));
        }

        [Fact]
        public void Names_not_listed_are_BackupNotFound_and_the_rest_still_selected_once()
        {
            var errors = new List<BqBackupException>();
            var byName = BackupRemoval.SelectByName(Listing, new[] { "backup-1999-01-01T00-00-00.db.gz", "backup-2026-01-02*" }, false, "/d", errors.Add, null);
            Assert.Equal("backup-2026-01-02T00-00-00.db.gz", Assert.Single(byName).Name);
            var piped = BackupRemoval.SelectPiped(Listing, new[] { B("backup-1999-01-01T00-00-00.db.gz"), Listing[0], Listing[0] }, false, "/d", errors.Add);
            Assert.Equal(Listing[0].Name, Assert.Single(piped).Name);
            Assert.Equal(new[] { ErrorIds.BackupNotFound, ErrorIds.BackupNotFound }, errors.Select(e => e.ErrorId));
        }

        [Fact]
        public void A_malformed_pattern_is_InvalidNamePattern()
        {
            var e = Assert.Throws<BqBackupException>(() => BackupRemoval.SelectByName(Listing, new[] { "backup-[" }, false, "/d", null, null));
            Assert.Equal(ErrorIds.InvalidNamePattern, e.ErrorId);
        }
    }
}
